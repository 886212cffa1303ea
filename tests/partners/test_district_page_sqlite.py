"""The district page on the embedded SQLite database (`make run`): the figures group
signals by quarter and working day with `_Period`, which PostgreSQL computes with
WIDTH_BUCKET over an array and SQLite with a function added to each connection. Migrate
and load the demo world on a temporary SQLite file in a subprocess (as `make run` does),
then open every district page as the coordinator."""

import json

from tests.migration_helpers import manage_sqlite, shell_result

CHECK = """
import bisect, json
from collections import Counter
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from partners.models import District
from privacy.aggregates import _Period, _local_midnights, district_page_figures
from signals.models import Signal

out = {"pages": {}, "compared": 0, "mismatches": [], "medians": 0}
figures = {d.pk: district_page_figures(d)[0] for d in District.objects.all()}
quarters = sorted({q.start for fs in figures.values() for q in fs})
# Each signal's quarter, from SQLite and from Python on its local date.
periods = Signal.objects.annotate(q=_Period("filed_at", _local_midnights(quarters)))
local = {s.pk: timezone.localtime(s.filed_at).date() for s in Signal.objects.all()}
got = dict(periods.values_list("pk", "q"))
out["periods_match"] = got == {pk: bisect.bisect_right(quarters, day) for pk, day in local.items()}
filed = Counter(
    (s.district_id, quarters[got[s.pk] - 1]) for s in Signal.objects.all() if got[s.pk]
)
for district_id, district_quarters in figures.items():
    for quarter in district_quarters:
        every_kind = quarter.kinds[-1]
        out["medians"] += every_kind.median_triage_days is not None
        if every_kind.received is not None:
            out["compared"] += 1
            if every_kind.received != filed[district_id, quarter.start]:
                out["mismatches"].append([district_id, str(quarter.start)])
client = Client(HTTP_HOST="localhost")
client.force_login(get_user_model().objects.get(username="eva"))
for district in District.objects.all():
    page = client.get(reverse("partners:district", args=[district.pk]))
    out["pages"][district.name] = [page.status_code, "<table" in page.content.decode()]
print("RESULT " + json.dumps(out))
"""


def test_the_district_page_shows_its_figures_on_sqlite(tmp_path):
    database = tmp_path / "wijkportaal.sqlite3"
    manage_sqlite(database, "migrate", "--noinput")
    manage_sqlite(database, "seed_demo")

    result = json.loads(shell_result(database, CHECK))

    assert result["periods_match"]
    assert result["pages"] == {"Noord": [200, True], "Zuid": [200, True]}
    # The shown counts are the signals filed in the quarter; some are shown, with medians.
    assert result["compared"] >= 2 and result["mismatches"] == []
    assert result["medians"] >= 2
