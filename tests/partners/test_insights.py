"""Complex insights for corporations, the complex upload, and the coordinator dashboard."""

import json
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from partners.models import Complex, ComplexAddress
from privacy.models import AccessLog
from tests.helpers import at, case_for, signal


def _know_households(anna, count):
    for n in range(1, count + 1):
        case_for(signal(anna, n))  # 1012 AB n: in complex DL-001


def test_insights_api_contract_and_no_households(demo, user, api_for):
    _know_households(user("anna"), 20)
    response = api_for("anna").get("/api/v1/insights/complexes/")
    body = response.json()
    assert response.status_code == 200
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["results"] == [
        {
            "code": "DL-001",
            "name": "Lindehof",
            "households": 40,
            "known_share": "50%",
            "suppressed": False,
        }
    ]
    text = json.dumps(body)
    assert "1012" not in text and "household_key" not in text


def test_insights_are_own_complexes_only(demo, api_for):
    assert api_for("bram").get("/api/v1/insights/complexes/").json()["count"] == 0
    assert api_for("eva").get("/api/v1/insights/complexes/").status_code == 403
    assert api_for("sara").get("/api/v1/insights/complexes/").status_code == 403


def test_insights_page_shows_suppressed_share_as_dash(demo, user, client_for):
    _know_households(user("anna"), 3)
    page = client_for("anna").get("/samenwerking/inzichten/").content.decode()
    assert "DL-001" in page and "(niet getoond)" in page
    assert "1012 AB" not in page


def test_insights_page_query_count_constant(demo, client_for, django_assert_max_num_queries):
    linde = demo["organisations"]["Woonstichting De Linde"]
    for n in range(20):
        Complex.objects.create(corporation=linde, code=f"X-{n:02d}", status="approved")
    client = client_for("anna")
    # 8, plus the keys of the approved lists, the sets answered before and one insert.
    with django_assert_max_num_queries(11):
        response = client.get("/samenwerking/inzichten/")
    assert "X-19" in response.content.decode()


def _upload(client, text: str):
    upload = SimpleUploadedFile("complexen.csv", text.encode("utf-8"), content_type="text/csv")
    return client.post("/samenwerking/complexen/importeren/", {"file": upload})


def test_complex_upload_keeps_valid_rows_and_reports_bad_lines(demo, client_for):
    csv_text = (
        "\ufeffcode;name;postcode;house_number;house_number_addition\n"
        "ST-01;Stadshof;1022ab;1;\n"
        "ST-01;Stadshof;1022 AB;2;a\n"
        "ST-01;Stadshof;9999 ZZZ;3;\n"
        ";Zonder code;1022 AB;4;\n"
        "ST-02;Parkzicht;1023 CD;abc;\n"
        "ST-01;Stadshof;1022 AB;1;\n"
    )
    response = _upload(client_for("bram"), csv_text)
    page = response.content.decode()
    complex_ = Complex.objects.get(code="ST-01")
    assert complex_.corporation.name == "Stadswonen"
    assert sorted(complex_.addresses.values_list("household_key", flat=True)) == [
        "1022AB-1-",
        "1022AB-2-A",
    ]
    assert not Complex.objects.filter(code="ST-02").exists()
    result = response.context["result"]
    assert [e["line"] for e in result.errors] == [4, 5, 6]
    assert result.duplicates == 1
    assert "Vul een geldige postcode in" in page


def test_complex_upload_with_commas_and_missing_column(demo, client_for):
    _upload(client_for("bram"), "code,name,postcode,house_number\nST-03,Hof,1024 AA,7\n")
    assert ComplexAddress.objects.filter(complex__code="ST-03").count() == 1
    response = _upload(client_for("bram"), "code;name;postcode\nST-04;Hof;1024 AA\n")
    assert "Kolommen ontbreken: house_number." in response.content.decode()
    assert not Complex.objects.filter(code="ST-04").exists()


def _signals_in_march(anna, count, **fields):
    for n in range(1, count + 1):
        signal(anna, 200 + n, filed_at=at(date(2026, 3, 3)), **fields)


def test_dashboard_page_chart_and_table(demo, user, client_for):
    _signals_in_march(user("anna"), 12)
    response = client_for("eva").get("/samenwerking/dashboard/", {"months": "36"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in page and "<caption>" in page
    assert '<th scope="row">03-2026</th>' in page
    assert "1012" not in page  # nothing personal


def test_dashboard_csv_export(demo, user, client_for):
    _signals_in_march(user("anna"), 12)
    response = client_for("eva").get("/samenwerking/dashboard/export.csv", {"months": "36"})
    body = response.content.decode("utf-8")
    assert response["Content-Type"].startswith("text/csv")
    assert body.startswith("\ufeffMaand;Overlast;Huurachterstand;")
    march = next(line for line in body.splitlines() if line.startswith("03-2026;"))
    # 12 nuisance of 12: the nuisance cell's complement is 0, so hidden; the total is shown,
    # so the zeros beside the nuisance cell are hidden too (total - zeros = nuisance).
    assert march.split(";")[:6] == ["03-2026", "–", "–", "–", "–", "12"]


def test_dashboard_is_for_coordinators_only(demo, client_for):
    assert client_for("anna").get("/samenwerking/dashboard/").status_code == 403
    assert client_for("pim").get("/samenwerking/dashboard/export.csv").status_code == 403


def test_dashboard_page_query_count(demo, user, client_for, django_assert_max_num_queries):
    _signals_in_march(user("anna"), 6)
    client = client_for("eva")
    # 17 whatever the number of months or signals; one of them reads the municipality's
    # team ids, so the signal queries can use the (team, filed_at) index.
    with django_assert_max_num_queries(17):
        client.get("/samenwerking/dashboard/", {"months": "36"})
    assert not AccessLog.objects.filter(object_type="signal", action="list").exists()


def test_complex_upload_skips_blank_lines_and_reports_surplus_values(demo, client_for):
    csv_text = (
        "code;name;postcode;house_number\n"
        "\n"
        "ST-05;Hof;1024 AA;1\n"
        "ST-05;Hof;1024 AA;2;x;y\n"
        ";;;\n"
        "ST-05;Hof;1024 AA;3\n"
    )
    response = _upload(client_for("bram"), csv_text)
    assert response.status_code == 200
    result = response.context["result"]
    assert [e["line"] for e in result.errors] == [4]
    assert "meer waarden dan er kolommen" in response.content.decode()
    assert ComplexAddress.objects.filter(complex__code="ST-05").count() == 2


def test_complex_upload_refuses_non_utf8(demo, client_for):
    upload = SimpleUploadedFile("complexen.csv", "code;naam\nÄ;é\n".encode("cp1252"))
    response = client_for("bram").post("/samenwerking/complexen/importeren/", {"file": upload})
    assert response.status_code == 200
    assert "niet in UTF-8 opgeslagen" in response.content.decode()
