import os

# Tests run with the built-in development key (settings refuse it otherwise).
os.environ.setdefault("ANLAN_ALLOW_INSECURE_KEY", "1")

pytest_plugins = ["tests.personas"]
