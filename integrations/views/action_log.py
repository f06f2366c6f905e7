"""The action log: filtered list with chart, detail, CSV export and the JSON the page polls."""

import csv
import json
from collections.abc import Iterator
from urllib.parse import urlencode, urlparse

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from integrations import selectors
from integrations.audit import redact
from integrations.forms import ActionLogFilterForm
from integrations.models import ActionLog
from integrations.views.access import workspace_required
from integrations.views.chart import chart_svg_context

# Audit actions written by the services; tool calls are named "tool.<tool name>".
CONFIG_ACTIONS = (
    "connection.create",
    "connection.update",
    "connection.rotate_token",
    "connection.test",
    "connection.enable",
    "connection.disable",
    "connection.invalidate",
    "connection.delete",
    "assistant.create",
    "assistant.update",
    "assistant.activate",
    "assistant.deactivate",
    "assistant.rotate_key",
    "assistant.delete",
    "assignment.create",
    "assignment.update",
    "assignment.delete",
    "template.create",
    "template.update",
    "template.delete",
    "workspace.create",
    "membership.create",
    "membership.update",
)
CSV_COLUMNS = (
    "id",
    "created_at",
    "started_at",
    "finished_at",
    "status",
    "action",
    "actor_type",
    "actor_name",
    "actor_assistant_id",
    "connection_id",
    "connection_name",
    "attempts",
    "duration_ms",
    "http_status",
    "error_code",
    "progress",
    "notion_object_ids",
    "notion_request_ids",
)
NOTION_HOSTS = ("notion.so", "notion.site")


def known_actions() -> list[str]:
    """Suggestions for the "Tool or action" filter: every declared tool, then config actions."""
    # Imported when the page renders, so no other page depends on the tool declarations.
    from integrations.tools.registry import tool_choices

    return [*sorted(name for _, name in tool_choices()), *CONFIG_ACTIONS]


def _filter_form(
    request: HttpRequest,
) -> tuple[ActionLogFilterForm, selectors.ActionLogFilters | None]:
    """The bound filter form and its filters; None when the input is invalid (show nothing then,
    rather than quietly dropping a filter the user asked for)."""
    form = ActionLogFilterForm(request.GET, workspace=request.workspace)
    return form, (form.filters() if form.is_valid() else None)


def _query_without(request: HttpRequest, *names: str) -> str:
    return urlencode(
        [
            (key, value)
            for key, values in request.GET.lists()
            if key not in names
            for value in values
            if value
        ]
    )


def _window(request: HttpRequest) -> str:
    window = request.GET.get("window", "24h")
    return window if window in selectors.CHART_WINDOWS else "24h"


@require_GET
@workspace_required
def action_log(request: HttpRequest) -> HttpResponse:
    form, filters = _filter_form(request)
    if filters is None:
        page = selectors.LogPage()
        chart = selectors.action_log_chart_empty(window=_window(request))
    else:
        qs = selectors.action_log_filter(workspace=request.workspace, filters=filters)
        page = selectors.action_log_page(
            qs, after=request.GET.get("after", ""), before=request.GET.get("before", "")
        )
        chart = selectors.action_log_chart(
            workspace=request.workspace, filters=filters, window=_window(request)
        )
    return render(
        request,
        "integrations/action_log.html",
        {
            "form": form,
            "page": page,
            "chart": chart_svg_context(chart),
            # Filters without the cursor (CSV, chart period links), and with the chart period.
            "filter_query": _query_without(request, "after", "before", "window"),
            "paging_query": _query_without(request, "after", "before"),
            "known_actions": known_actions(),
            "pending_ids": page.pending_ids,
        },
    )


def _notion_url(value) -> str | None:
    """`value` if it is an https URL on one of Notion's own hosts, else None."""
    if not isinstance(value, str):
        return None
    parsed = urlparse(value)
    host = (parsed.hostname or "").lower()
    if parsed.scheme == "https" and any(host == h or host.endswith("." + h) for h in NOTION_HOSTS):
        return value
    return None


def _notion_links(row: ActionLog) -> list[tuple[str, str]]:
    """(label, https URL) for the Notion objects of a row: the URLs Notion returned when they
    are Notion's own, then one built from each object id."""
    result = row.result if isinstance(row.result, dict) else {}
    urls = [result.get("url"), *(result.get("urls") or [])]
    links: list[tuple[str, str]] = []
    for url in filter(None, map(_notion_url, urls)):
        if all(url != known for _, known in links):
            links.append(("Open in Notion" if not links else url, url))
    for object_id in row.notion_object_ids or []:
        variants = selectors.notion_id_variants(str(object_id))
        if len(variants) == 2:
            links.append((variants[0], f"https://www.notion.so/{variants[1]}"))
    return links[:25]


def _pretty(value) -> str:
    if value in ({}, [], None, ""):
        return ""
    return json.dumps(redact(value), indent=2, ensure_ascii=False, sort_keys=True, default=str)


@require_GET
@workspace_required
def action_log_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.action_log_get(workspace=request.workspace, pk=pk)
    if row is None:
        raise Http404("No such entry in this workspace's action log.")
    queue_ms = run_ms = None
    if row.started_at:
        queue_ms = int((row.started_at - row.created_at).total_seconds() * 1000)
        if row.finished_at:
            run_ms = int((row.finished_at - row.started_at).total_seconds() * 1000)
    return render(
        request,
        "integrations/action_log_detail.html",
        {
            "row": row,
            "arguments": _pretty(row.arguments),
            "result": _pretty(row.result),
            "notion_links": _notion_links(row),
            "queue_ms": queue_ms,
            "run_ms": run_ms,
            "pending_ids": [] if row.is_final else [row.pk],
        },
    )


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a streaming reply."""

    def write(self, value: str) -> str:
        return value


def _csv_safe(value) -> str:
    """Text a spreadsheet won't run as a formula."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_rows(qs) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for values in qs.values_list(*CSV_COLUMNS).iterator(chunk_size=2000):
        yield writer.writerow([_csv_safe(v) for v in values])


@require_GET
@workspace_required
def action_log_csv(request: HttpRequest) -> HttpResponse:
    form, filters = _filter_form(request)
    if filters is None:
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    qs = selectors.action_log_filter(workspace=request.workspace, filters=filters)
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(_csv_rows(qs), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="action-log-{stamp}.csv"'
    return response


@require_GET
@workspace_required
def action_log_chart(request: HttpRequest) -> JsonResponse:
    form, filters = _filter_form(request)
    if filters is None:
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    chart = selectors.action_log_chart(
        workspace=request.workspace, filters=filters, window=_window(request)
    )
    return JsonResponse(chart.as_json())


@require_GET
@workspace_required
def action_log_status(request: HttpRequest) -> JsonResponse:
    ids = []
    for part in request.GET.get("ids", "").split(","):
        if part.strip().isdigit():
            ids.append(int(part))
    rows = selectors.action_log_statuses(workspace=request.workspace, ids=ids)
    labels = dict(ActionLog.Status.choices)
    for row in rows:
        row["status_label"] = labels.get(row["status"], row["status"])
    return JsonResponse({"rows": rows})
