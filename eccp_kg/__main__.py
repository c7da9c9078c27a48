from eccp_kg.cli import main

raise SystemExit(main())
