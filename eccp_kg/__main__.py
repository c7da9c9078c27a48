from eccp_kg.cli import main

# Guarded, so importing this module (e.g. by a multiprocessing "spawn" child) never runs the CLI.
if __name__ == "__main__":
    raise SystemExit(main())
