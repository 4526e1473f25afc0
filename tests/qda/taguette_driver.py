"""Drive Taguette headless (run with the Python of a venv where ``taguette`` is installed).

Usage: python taguette_driver.py GRILLE.csv OUT_DIR

Creates a Taguette project in a fresh SQLite database, imports the codebook CSV
with Taguette's own reader (``taguette.import_codebook.list_tags``, the parser
behind its « Import codebook » page) and validator, stores the tags as the web
handler does, then exports the project's codebook with Taguette's exporters:
OUT_DIR/codebook.qdc (REFI-QDA) and OUT_DIR/codebook.csv.
"""

import sys
from pathlib import Path

from taguette import database, export, import_codebook, validate

csv_path, out = Path(sys.argv[1]), Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
Session = database.connect("sqlite:///" + str(out / "taguette.sqlite3"))
db = Session()
project = database.Project(name="AREAS", description="import headless")
db.add(project)
db.flush()
with open(csv_path, "rb") as f:
    tags = import_codebook.list_tags(f)
for t in tags:
    validate.tag_path(t["path"])
    validate.description(t["description"])
    db.add(database.Tag(project=project, path=t["path"], description=t["description"]))
db.commit()
stored = list(project.tags)
export.codebook_xml(stored, str(out / "codebook.qdc"))
export.codebook_csv(stored, str(out / "codebook.csv"))
print(f"taguette: {len(tags)} tags lus, {len(stored)} enregistrés")
