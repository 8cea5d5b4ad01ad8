"""``python -m nb_feedback check|repair FOLDER`` (also installed as the ``nb_feedback`` command)."""

import sys

from nb_feedback.dataset.folder_check import main

sys.exit(main())
