"""Package data: the files in this folder ship with eccp_kg."""
from pathlib import Path

PATH = Path(__file__).resolve().parent
