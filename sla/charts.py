"""Charts of the reports page, drawn on the server as SVG: no script, no style sheet of
their own (colours are SVG attributes), nothing from another site. Every chart has a title
and a description for screen readers; the numbers are also in the page's tables."""

from django.utils.html import format_html, format_html_join

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 14, 40
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
BLUE, GREEN, GREY, TEXT = "#0a58ca", "#146c43", "#dee2e6", "#495057"


def n(value):
    """A coordinate: one decimal is enough for a 640-unit-wide drawing."""
    return f"{value:.1f}"


def _scale(maximum):
    """A round top for the axis and its step."""
    if not maximum or maximum <= 0:
        return 1, 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if maximum <= step * 4:
            return step * 4, step
    step = 10 ** len(str(int(maximum)))
    return step, step // 4


def _frame(chart_id, title, description, body, top, step, unit):
    ticks = []
    value = 0
    while value <= top:
        y = TOP + PLOT_H - PLOT_H * value / top
        ticks.append((LEFT, n(y), WIDTH - RIGHT, n(y), LEFT - 6, n(y + 4), f"{value:g}{unit}"))
        value += step
    grid = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="' + GREY + '" stroke-width="1"/>'
        '<text x="{}" y="{}" text-anchor="end" font-size="11" fill="' + TEXT + '">{}</text>',
        ticks,
    )
    return format_html(
        '<svg class="report-chart w-100 h-auto" id="{}" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="{}-title {}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}{}</svg>',
        chart_id,
        WIDTH,
        HEIGHT,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        grid,
        body,
    )


def _x_labels(labels, slot):
    every = max(1, len(labels) // 8)
    return format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="middle" font-size="11" fill="' + TEXT + '">{}</text>',
        (
            (n(LEFT + slot * (i + 0.5)), HEIGHT - BOTTOM + 16, label)
            for i, label in enumerate(labels)
            if i % every == 0
        ),
    )


def bars(chart_id, *, title, description, labels, series):
    """Grouped bars: `series` is [(name, colour, values)]."""
    top, step = _scale(max((v or 0 for _n, _c, values in series for v in values), default=0))
    slot = PLOT_W / max(len(labels), 1)
    width = slot * 0.8 / max(len(series), 1)
    rects = []
    for index, (name, colour, values) in enumerate(series):
        for i, value in enumerate(values):
            h = PLOT_H * (value or 0) / top
            x = LEFT + slot * i + slot * 0.1 + width * index
            rects.append(
                (n(x), n(TOP + PLOT_H - h), n(width), n(h), colour, f"{labels[i]}: {value} {name}")
            )
    body = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>',
        rects,
    )
    body = format_html("{}{}{}", body, _x_labels(labels, slot), _legend(series))
    return _frame(chart_id, title, description, body, top, step, "")


def line(chart_id, *, title, description, labels, name, values, unit="", colour=BLUE, top=None):
    """One line; None values leave a gap."""
    if top is None:
        top, step = _scale(max((v or 0 for v in values), default=0))
    else:
        step = top / 4
    slot = PLOT_W / max(len(labels), 1)
    points = []
    for i, value in enumerate(values):
        if value is None:
            continue
        points.append(
            (LEFT + slot * (i + 0.5), TOP + PLOT_H - PLOT_H * min(value, top) / top, value)
        )
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _v in points)
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="3.5" fill="{}"><title>{}</title></circle>',
        ((n(x), n(y), colour, f"{value:g}{unit}") for x, y, value in points),
    )
    polyline = (
        format_html(
            '<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>', path, colour
        )
        if len(points) > 1
        else ""
    )
    body = format_html(
        "{}{}{}{}", polyline, dots, _x_labels(labels, slot), _legend([(name, colour, values)])
    )
    return _frame(chart_id, title, description, body, top, step, unit)


def _legend(series):
    return format_html_join(
        "",
        '<rect x="{}" y="{}" width="10" height="10" fill="{}"/>'
        '<text x="{}" y="{}" font-size="11" fill="' + TEXT + '">{}</text>',
        (
            (LEFT + 130 * i, HEIGHT - 14, colour, LEFT + 130 * i + 14, HEIGHT - 5, name)
            for i, (name, colour, _values) in enumerate(series)
        ),
    )
