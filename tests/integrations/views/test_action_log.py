"""The action log page: filters, search, keyset pages, chart, CSV export, detail, status poll."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assistants.services import assistant_create
from integrations import selectors
from integrations.models import ActionLog
from tests.fixtures.factories import SYSTEM, make_connection
from tests.integrations.views.conftest import make_log

PAGE_ID = "59833787-2cf9-4fdf-8782-e53db20768a5"
REQUEST_ID = "0a1b2c3d-1111-2222-3333-444455556666"


@pytest.fixture
def second_assistant(workspace):
    return assistant_create(workspace=workspace, name="Scribe", actor=SYSTEM)[0]


@pytest.fixture
def rows(connection, assistant, second_assistant):
    """A failed call by Helper, a succeeded one by Scribe, an old one, and a running one."""
    return {
        "failed": make_log(
            connection,
            assistant=assistant,
            action="tool.notion_update_page",
            status=ActionLog.Status.FAILED,
            error_code="object_not_found",
            error_message="Could not find page.",
            error_hint="Share the page with the integration.",
            minutes_ago=30,
        ),
        "succeeded": make_log(
            connection,
            assistant=second_assistant,
            action="tool.notion_create_page",
            notion_object_ids=[PAGE_ID],
            notion_request_ids=[REQUEST_ID],
            minutes_ago=20,
        ),
        "old": make_log(connection, assistant=assistant, minutes_ago=60 * 24 * 3),
        "running": make_log(
            connection,
            assistant=assistant,
            action="tool.notion_query_database",
            status=ActionLog.Status.RUNNING,
            progress="pages fetched: 3",
        ),
    }


def _ids_on_page(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/integrations/logs/(\d+)/"', html)]


def _get(client, **params):
    return client.get(reverse("integrations:action_log"), params).content.decode()


def test_filter_by_status_shows_only_that_status(admin_client, rows):
    ids = _ids_on_page(_get(admin_client, status="failed"))
    assert ids == [rows["failed"].pk]


def test_filter_by_assistant_shows_only_its_calls(admin_client, rows, second_assistant):
    ids = _ids_on_page(_get(admin_client, assistant=second_assistant.pk))
    assert ids == [rows["succeeded"].pk]


def test_filter_by_tool_accepts_the_tool_name_or_the_audit_action(admin_client, rows):
    assert _ids_on_page(_get(admin_client, action="notion_create_page")) == [rows["succeeded"].pk]
    assert _ids_on_page(_get(admin_client, action="tool.notion_create_page")) == [
        rows["succeeded"].pk
    ]


def test_filter_by_config_action(admin_client, rows, connection):
    ids = _ids_on_page(_get(admin_client, action="connection.create"))
    assert ids == list(
        ActionLog.objects.filter(action="connection.create").values_list("pk", flat=True)
    )


def test_filter_by_connection(admin_client, rows, workspace):
    other = make_connection(workspace, name="Second")
    only_other = make_log(other, minutes_ago=5)
    ids = _ids_on_page(_get(admin_client, connection=other.pk, action="tool.notion_get_page"))
    assert ids == [only_other.pk]


def test_filter_by_date_range(admin_client, rows):
    day = (timezone.now() - timedelta(days=3)).date()
    ids = _ids_on_page(_get(admin_client, date_from=day.isoformat(), date_to=day.isoformat()))
    assert ids == [rows["old"].pk]


def test_an_end_date_before_the_start_date_is_a_field_error_and_shows_nothing(admin_client, rows):
    html = _get(admin_client, date_from="2026-02-02", date_to="2026-02-01")
    assert "The end date is before the start date." in html
    assert _ids_on_page(html) == []


@pytest.mark.parametrize(
    "query",
    [
        PAGE_ID,
        PAGE_ID.replace("-", ""),
        f"https://www.notion.so/acme/Roadmap-{PAGE_ID.replace('-', '')}?pvs=4",
        REQUEST_ID,
    ],
)
def test_search_finds_a_call_by_notion_object_or_request_id(admin_client, rows, query):
    assert _ids_on_page(_get(admin_client, q=query)) == [rows["succeeded"].pk]


def test_search_for_an_unknown_id_finds_nothing(admin_client, rows):
    html = _get(admin_client, q="ffffffff-ffff-ffff-ffff-ffffffffffff")
    assert _ids_on_page(html) == [] and "No entries match these filters." in html


def test_keyset_pages_walk_all_rows_without_overlap_and_back(admin_client, connection):
    for i in range(selectors.PAGE_SIZE * 2 + 5):
        make_log(connection, minutes_ago=i)
    expected = list(
        ActionLog.objects.filter(workspace=connection.workspace)
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
    )
    seen, html, pages = [], _get(admin_client), []
    while True:
        pages.append(html)
        seen += _ids_on_page(html)
        match = re.search(r'href="\?after=([^"]+)"', html)
        if not match:
            break
        html = _get(admin_client, after=match.group(1))
    assert seen == expected
    assert len(pages) == 3
    assert "Newer" not in pages[0] and "Newer" in pages[1]
    newer = re.search(r'href="\?before=([^"]+)"', pages[2]).group(1)
    assert _ids_on_page(_get(admin_client, before=newer)) == _ids_on_page(pages[1])


def test_the_list_never_counts_the_whole_table(admin_client, rows):
    with CaptureQueriesContext(db_connection) as queries:
        admin_client.get(reverse("integrations:action_log"))
    log_queries = [q["sql"] for q in queries if "integrations_actionlog" in q["sql"]]
    assert log_queries
    for sql in log_queries:
        assert "COUNT(" not in sql.upper() or "GROUP BY" in sql.upper(), sql


def test_a_tampered_cursor_shows_the_first_page(admin_client, rows):
    assert _ids_on_page(_get(admin_client, after="not-a-cursor")) == _ids_on_page(
        _get(admin_client)
    )


def test_rows_show_a_colored_status_badge_and_progress(admin_client, rows):
    html = _get(admin_client)
    assert '<span class="badge badge-failed" data-status="failed">Failed</span>' in html
    assert "pages fetched: 3" in html
    assert f'data-log-id="{rows["running"].pk}"' in html
    assert "js/refresh.js" in html and "<noscript>" in html


def test_a_page_without_running_rows_does_not_poll(admin_client, rows):
    html = _get(admin_client, status="succeeded")
    assert "js/refresh.js" not in html and "data-log-id" not in html


def test_status_endpoint_reports_progress_and_final_state(admin_client, rows):
    running = rows["running"]
    url = reverse("integrations:action_log_status")
    first = admin_client.get(url, {"ids": str(running.pk)}).json()["rows"][0]
    assert first["status"] == "running" and first["progress"] == "pages fetched: 3"
    assert first["final"] is False
    ActionLog.objects.filter(pk=running.pk).update(status="succeeded", progress="")
    second = admin_client.get(url, {"ids": str(running.pk)}).json()["rows"][0]
    assert second["final"] is True and second["status_label"] == "Succeeded"


def test_chart_json_groups_calls_per_hour_and_status(admin_client, rows):
    data = admin_client.get(reverse("integrations:action_log_chart")).json()
    assert len(data["hours"]) == 24
    assert sum(data["series"]["failed"]) == 1
    assert sum(data["series"]["running"]) == 1
    week = admin_client.get(reverse("integrations:action_log_chart"), {"window": "7d"}).json()
    assert len(week["hours"]) == 24 * 7
    assert week["total"] == data["total"] + 1  # the three-day-old call


def test_chart_follows_the_filters(admin_client, rows):
    data = admin_client.get(reverse("integrations:action_log_chart"), {"status": "failed"}).json()
    assert data["total"] == 1 and sum(data["series"]["succeeded"]) == 0


def test_chart_is_inline_svg_with_title_description_and_legend(admin_client, rows):
    html = _get(admin_client)
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert 'class="bar bar-failed"' in svg and 'class="bar bar-running"' in svg
    assert "1 failed" in svg
    assert 'class="legend"' in html


def test_csv_export_streams_the_filtered_rows_without_arguments(admin_client, rows):
    ActionLog.objects.filter(pk=rows["failed"].pk).update(arguments={"title": "=HYPERLINK(1)"})
    response = admin_client.get(reverse("integrations:action_log_csv"), {"status": "failed"})
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    table = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [int(r["id"]) for r in table] == [rows["failed"].pk]
    assert table[0]["error_code"] == "object_not_found"
    assert "arguments" not in table[0] and "HYPERLINK" not in str(table)


def test_csv_cells_that_look_like_formulas_are_defused(admin_client, connection):
    make_log(connection, error_code="=cmd|' /C calc'!A0", status="failed")
    body = b"".join(
        admin_client.get(reverse("integrations:action_log_csv")).streaming_content
    ).decode()
    assert "'=cmd" in body and ",=cmd" not in body


def test_detail_shows_redacted_arguments_result_error_hint_and_notion_link(
    admin_client, connection, assistant
):
    row = make_log(
        connection,
        assistant=assistant,
        action="tool.notion_update_page",
        status=ActionLog.Status.FAILED,
        arguments={"page_id": PAGE_ID, "token": "ntn_leaked_value_123", "title": "Roadmap"},
        result={"url": "https://www.notion.so/Roadmap-" + PAGE_ID.replace("-", "")},
        error_code="object_not_found",
        error_message="Could not find page with ID.",
        error_hint="Share the page with the integration “Phinite”.",
        notion_object_ids=[PAGE_ID],
        notion_request_ids=[REQUEST_ID],
        attempts=3,
        duration_ms=845,
        http_status=404,
    )
    html = admin_client.get(reverse("integrations:action_log_detail", args=[row.pk])).content
    html = html.decode()
    assert "ntn_leaked_value_123" not in html and "[redacted]" in html
    assert "Roadmap" in html and "object_not_found" in html
    assert "Share the page with the integration" in html
    assert REQUEST_ID in html and "845 ms" in html and "HTTP 404" in html
    assert f'href="https://www.notion.so/{PAGE_ID.replace("-", "")}"' in html
    assert "Open in Notion" in html


def test_detail_does_not_link_to_a_url_outside_notion(admin_client, connection):
    row = make_log(connection, result={"url": "javascript:alert(1)"})
    html = admin_client.get(reverse("integrations:action_log_detail", args=[row.pk])).content
    assert b"javascript:alert" not in html.split(b"<pre")[0]
    assert b"Open in Notion" not in html


def test_detail_of_a_running_call_shows_progress_and_refreshes(admin_client, rows):
    html = admin_client.get(
        reverse("integrations:action_log_detail", args=[rows["running"].pk])
    ).content.decode()
    assert "pages fetched: 3" in html
    assert 'data-reload="1"' in html and 'http-equiv="refresh"' in html


def test_a_deleted_connection_keeps_its_log_rows_by_name(admin_client, rows, connection):
    row = rows["failed"]
    admin_client.post(
        reverse("integrations:notion_delete", args=[connection.pk]), {"confirm": "on"}
    )
    html = admin_client.get(reverse("integrations:action_log_detail", args=[row.pk])).content
    assert b"Notion Workspace" in html and b"(deleted)" in html
