"""gunicorn's target: `gunicorn -c gunicorn.conf.py` (preload_app: imported once, in the master).

The gazetteer, the language model and jusText's stop words are loaded here, before gunicorn
forks its workers, so that every worker shares one copy of them copy-on-write and no first
request waits for them. Named entities come from the NER server, so no NER model lives in the
workers.
"""

from trafilatura.external import jt_stoplist_init

from api import create_app
from api.extraction.gazetteer import gazetteer
from api.extraction.language import identifier as language_model
from api.web.memory import freeze_loaded_heap, release_free_memory

app = create_app()
gazetteer()
language_model()
# trafilatura's fallback extractor loads jusText's stop words of every language (27 MB of
# Python objects, tracemalloc in bench/soak.py) on its first use: load them once, here.
jt_stoplist_init()
# Hand the heap freed while loading (the gazetteer's source tables) back to the OS, so that no
# worker starts with it mapped (measured: 14 MB less resident memory per worker).
release_free_memory()
freeze_loaded_heap()
