"""areas-analysis: mixed-methods research workspace of the AREAS project.

Stages, one module or subpackage each, data flowing one way:
``ingest`` → ``privacy`` → ``segments`` → ``themes`` → ``quantify`` →
``evaluate`` → ``report``; ``cycle`` runs the notebooks that call them.
"""

__version__ = "0.1.0"
