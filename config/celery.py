"""The Celery app. Without a broker URL, tasks wait in files under RUN_DIR/broker for the
worker of `make run` (the test suite runs them in-process); see settings."""

import os
from pathlib import Path

from celery import Celery
from celery.signals import beat_init, before_task_publish, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("sistercity")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

_FOLDER_OPTIONS = ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")


def embedded_broker_folders(conf) -> list[Path]:
    """The folders of the filesystem broker (none for any other broker)."""
    if not str(conf.broker_url or "").startswith("filesystem://"):
        return []
    options = conf.broker_transport_options or {}
    return [Path(options[name]) for name in _FOLDER_OPTIONS if options.get(name)]


@worker_init.connect
@beat_init.connect
@before_task_publish.connect
def _make_broker_folders(**_kwargs):
    """The filesystem transport reads and writes its folders but never creates them."""
    for folder in embedded_broker_folders(app.conf):
        folder.mkdir(parents=True, exist_ok=True)
