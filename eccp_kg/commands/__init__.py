"""Sub-commands of the eccp-kg console script, one module each (thin: they call plain functions)."""
