from eccp_kg.cli import main

# Guarded: the server's worker processes are started with "spawn", which imports __main__ again.
if __name__ == "__main__":
    raise SystemExit(main())
