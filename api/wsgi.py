"""gunicorn's target: `gunicorn -c gunicorn.conf.py` (preload_app: imported once, in the master).

The gazetteer, the language model and jusText's stop words are loaded here, before gunicorn
forks its workers, so that every worker shares one copy of them copy-on-write and no first
request waits for them. Named entities come from the NER server, so no NER model lives in the
workers.
"""

import gc

from trafilatura.external import jt_stoplist_init

from api import create_app
from api.extraction.gazetteer import gazetteer
from api.extraction.language import identifier as language_model
from api.web.memory import release_free_memory

app = create_app()
gazetteer()
language_model()
# trafilatura's fallback extractor loads jusText's stop words of every language (27 MB of
# Python objects, tracemalloc in bench/soak.py) on its first use: load them once, here.
jt_stoplist_init()
# Hand the heap freed while loading (the gazetteer's source tables) back to the OS, so that no
# worker starts with it mapped (measured: 14 MB less resident memory per worker).
release_free_memory()
# What is loaded so far (about 390,000 objects: the gazetteer, the models, the app) lives as long
# as the process. Frozen, the garbage collector never walks it again: each full collection in a
# worker walked all of it, 0.6 ms of CPU per search on average (bench/README.md, search), and
# touched every page, which copied the shared memory into each worker.
gc.collect()
gc.freeze()
# A request allocates and frees thousands of containers (a parsed page of hits); at the default
# threshold of 700 that started one or two collections per search for nothing, since nearly all
# of it is freed by reference counting. At 10,000 a collection runs about once per 1,000
# searches (the cyclic garbage of a request is small), and the young generation stays small.
gc.set_threshold(10_000, 10, 10)
