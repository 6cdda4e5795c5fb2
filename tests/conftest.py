"""Shared pytest configuration: fixtures live in small modules named after what they provide."""

import os

pytest_plugins = ["fixtures_cloud", "fixtures_stack"]

# The tests read English unless one asks for another language (`i18n.speaking`, or
# ECSLAB_LANG in a subprocess's environment): a machine with a Japanese locale changes
# nothing. A notebook in a `ja/` folder still speaks Japanese (its edition wins).
os.environ["ECSLAB_LANG"] = "en"
