"""Imported first by the fork server of reproduce's workers (runner.WORKER_IMPORTS).

jsonschema, which nbformat imports, checks the "iri" format with rfc3987-syntax when that
is installed (jupyterlab's dependencies install it), and rfc3987-syntax builds its grammar
at import: 2.2 s of a worker's 2.9 s of imports on the 2-core machine. No notebook schema
nbformat validates uses that format, so the workers do without it: marking it absent makes
jsonschema skip it, as it does where the package is not installed.
"""

import sys

sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]
