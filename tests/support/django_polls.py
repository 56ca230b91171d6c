"""Django 5.2 with the tutorial's polls models, for the fixture round-trip test.

usage: django_polls.py make-fixture OUT   # a fresh database, some rows, `dumpdata polls`
       django_polls.py roundtrip FIXTURE  # a fresh database, `loaddata FIXTURE`, `dumpdata polls`
       django_polls.py make-db OUT        # the SQLite database Django created, copied to OUT
       django_polls.py bench-dump N OUT   # N rows, then `dumpdata polls -o OUT`, timed
"""
import io
import os
import sys
import tempfile

work = tempfile.mkdtemp(prefix="roan-django-")
os.makedirs(os.path.join(work, "polls"))
open(os.path.join(work, "polls", "__init__.py"), "w").close()
with open(os.path.join(work, "polls", "models.py"), "w") as f:
    f.write(
        "from django.db import models\n\n"
        "class Question(models.Model):\n"
        "    question_text = models.CharField(max_length=200)\n"
        "    pub_date = models.DateTimeField('date published', null=True)\n\n"
        "class Choice(models.Model):\n"
        "    question = models.ForeignKey(Question, on_delete=models.CASCADE)\n"
        "    choice_text = models.CharField(max_length=200)\n"
        "    votes = models.IntegerField(default=0)\n"
    )
sys.path.insert(0, work)

import django
from django.conf import settings

settings.configure(
    INSTALLED_APPS=["polls"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(work, "db.sqlite3")}},
    USE_TZ=True,
    TIME_ZONE="UTC",
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
)
django.setup()
from django.core.management import call_command

call_command("migrate", run_syncdb=True, verbosity=0)


def dump():
    out = io.StringIO()
    call_command("dumpdata", "polls", indent=2, stdout=out)
    return out.getvalue()


if sys.argv[1] == "make-fixture":
    import datetime
    from polls.models import Choice, Question

    utc = datetime.timezone.utc
    q1 = Question.objects.create(question_text="What's up?", pub_date=datetime.datetime(2026, 11, 20, 10, 0, tzinfo=utc))
    q2 = Question.objects.create(question_text="Café or tea?", pub_date=datetime.datetime(2026, 11, 21, 8, 30, 15, 250000, tzinfo=utc))
    Question.objects.create(question_text="Undated", pub_date=None)
    Choice.objects.create(question=q1, choice_text="Not much", votes=3)
    Choice.objects.create(question=q2, choice_text="Tea", votes=0)
    with open(sys.argv[2], "w") as f:
        f.write(dump())
elif sys.argv[1] == "make-db":
    import shutil

    from django.db import connection

    connection.close()
    shutil.copy(os.path.join(work, "db.sqlite3"), sys.argv[2])
elif sys.argv[1] == "bench-dump":
    # N questions, then `dumpdata polls` to a file, timed (the setup excluded).
    import time
    from django.db import connection

    n = int(sys.argv[2])
    with connection.cursor() as c:
        c.execute(
            "WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < %s) "
            "INSERT INTO polls_question (question_text, pub_date) "
            "SELECT 'Question ' || x, '2026-11-20 10:00:00' FROM s",
            [n],
        )
    start = time.time()
    call_command("dumpdata", "polls", output=sys.argv[3], verbosity=0)
    print(f"{time.time() - start:.2f}")
elif sys.argv[1] == "roundtrip":
    call_command("loaddata", sys.argv[2], verbosity=0)
    sys.stdout.write(dump())
