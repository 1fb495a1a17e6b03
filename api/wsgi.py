"""gunicorn's target: `gunicorn -c gunicorn.conf.py` (preload_app: imported once, in the master).

The spaCy model, the gazetteer and the language model are loaded here, before gunicorn forks
its workers, so that every worker shares one copy of them copy-on-write (measured: about 45 MB
more per extra worker instead of about 400 MB) and no first request waits for them.
"""

from api import create_app
from api.extraction.gazetteer import gazetteer
from api.extraction.language import identifier as language_model
from api.extraction.nlp import load as load_nlp

app = create_app()
load_nlp()
gazetteer()
language_model()
