"""``{example-chart}``: a bar chart of a table an example printed, from the run its page shows."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ElementTree

import pytest

from mpexamples import svgchart
from mpexamples.table import Bar, TableError, bars, find

OUTPUT = """\
Python 3.11, start method spawn

CPU-bound    workers  seconds  speedup
serial             1    0.133     1.00
threads            2    0.084     1.57
processes          4    0.050     2.66
I/O-bound, 4 threads: speedup > 1: True

start a thread  0.054
start a process  10.850
""".splitlines()


def test_a_table_is_found_by_its_first_cell_and_ends_where_the_cells_do():
    table = find(OUTPUT, "CPU-bound")
    assert table.columns == ["CPU-bound", "workers", "seconds", "speedup"]
    assert table.rows == [
        ["serial", "1", "0.133", "1.00"],
        ["threads", "2", "0.084", "1.57"],
        ["processes", "4", "0.050", "2.66"],
    ]  # the sentence below has two cells (one space apart inside them), not four
    assert table.line == 3
    # A single space stays inside a cell: "start a thread" is one.
    assert find(OUTPUT, "start a thread").columns == ["start a thread", "0.054"]


def test_bars_join_the_label_cells_and_keep_the_printed_value():
    table = find(OUTPUT, "CPU-bound")
    assert bars(table, ["CPU-bound", "workers"], "speedup") == [
        Bar("serial 1", 1.0, "1.00", 4),
        Bar("threads 2", 1.57, "1.57", 5),
        Bar("processes 4", 2.66, "2.66", 6),
    ]


@pytest.mark.parametrize(
    ("lines", "name", "labels", "value", "message"),
    [
        (
            OUTPUT,
            "GPU-bound",
            [],
            "speedup",
            "no line of the output starts a table named 'GPU-bound'",
        ),
        (
            [*OUTPUT, "CPU-bound  x", "a  1"],
            "CPU-bound",
            [],
            "x",
            "2 lines of the output start a table named 'CPU-bound' (output lines 3, 11)",
        ),
        (
            ["alone", "a  1"],
            "alone",
            [],
            "x",
            "the header of table 'alone' (output line 1) has one cell",
        ),
        (
            ["name  value", "", "a  1"],
            "name",
            [],
            "value",
            "table 'name' (output line 1) has no rows",
        ),
        (OUTPUT, "CPU-bound", [], "speed", "has no column 'speed' (its columns: 'CPU-bound', "),
        (OUTPUT, "CPU-bound", ["pool"], "speedup", "has no column 'pool'"),
        (
            ["n  v", "a  1.0", "b  fast"],
            "n",
            [],
            "v",
            "output line 3: 'fast' in column 'v' is not a number",
        ),
        (["n  v", "a  -1.0"], "n", [], "v", "output line 2: '-1.0' in column 'v' cannot be a bar"),
        (["n  v", "a  nan"], "n", [], "v", "output line 2: 'nan' in column 'v' cannot be a bar"),
    ],
)
def test_a_table_that_cannot_be_plotted_says_why_and_where(lines, name, labels, value, message):
    with pytest.raises(TableError) as error:
        bars(find(lines, name), labels or [name], value)
    assert message in str(error.value)


def svg(items: list[Bar]) -> ElementTree.Element:
    text = svgchart.render(
        items, title="T <&>", description="D", axis="speedup", labels="pool", ident="c"
    )
    return ElementTree.fromstring(text)  # well-formed XML, or this raises


NS = "{http://www.w3.org/2000/svg}"


def test_the_svg_is_accessible_and_its_bars_are_to_scale():
    root = svg([Bar("serial 1", 1.0, "1.00", 4), Bar("a < b & c", 2.0, "2.00", 5)])
    assert root.get("role") == "img"
    title, desc = root.find(f"{NS}title"), root.find(f"{NS}desc")
    assert root.get("aria-labelledby") == title.get("id") == "c-title"
    assert root.get("aria-describedby") == desc.get("id") == "c-desc"
    assert (title.text, desc.text) == ("T <&>", "D")  # escaped in the SVG, read back whole
    widths = [float(rect.get("width")) for rect in root.iter(f"{NS}rect")]
    assert len(widths) == 2 and widths[1] == pytest.approx(2 * widths[0], abs=0.2)
    texts = [element.text for element in root.iter(f"{NS}text")]
    assert texts == ["pool", "speedup", "serial 1", "1.00", "a < b & c", "2.00"]
    # Text and axis in the page's colour: the chart follows a dark theme.
    assert root.get("fill") == "currentColor"
    assert root.find(f"{NS}line").get("stroke") == "currentColor"


def test_all_zero_values_draw_empty_bars():
    root = svg([Bar("a", 0.0, "0", 1), Bar("b", 0.0, "0.0", 2)])
    assert [rect.get("width") for rect in root.iter(f"{NS}rect")] == ["0.0", "0.0"]


def test_wide_characters_get_a_wider_label_column():
    assert svgchart.text_width("进程") == svgchart.text_width("abcd")


# -- the directive, in one build -------------------------------------------

GOOD = "```{example-chart} fixture_table.py\n:table: numbers\n:value: value\n```\n"
#: Each mistake, and what its error says; each is an error at its page line.
BAD = {
    "```{example-chart} fixture_table.py\n:table: missing\n:value: value\n```\n": (
        "examples/fixture_table.py: no line of the output starts a table named 'missing'"
    ),
    "```{example-chart} fixture_table.py\n:table: numbers\n:value: nope\n```\n": (
        "table 'numbers' (output line 1) has no column 'nope'"
    ),
    "```{example-chart} fixture_table.py\n:table: words\n:value: value\n```\n": (
        "table 'words', output line 8: 'many' in column 'value' is not a number"
    ),
    "```{example-chart} fixture_start_method.py\n:table: parent:\n:value: x\n```\n": (
        "this page shows no run of examples/fixture_start_method.py under the 'spawn' start method"
    ),
    "```{example-chart} fixture_pair_worker.py\n:table: x\n:value: y\n```\n": (
        "examples/fixture_pair_worker.py is a helper: it has no run to plot"
    ),
    "```{example-chart}\n```\n": "no example given",
    "```{example-chart} fixture_table.py\n:table: numbers\n```\n": "option :value: is required",
    "```{example-chart} fixture_table.py\n:table: numbers\n:value: value\n:colour: red\n```\n": (
        "unknown option :colour:"
    ),
    "```{example-chart} fixture_table.py\n:table: numbers\n:value: value\n\nText.\n```\n": (
        "no content allowed"
    ),
}


def numbers(text: str) -> list[str]:
    return re.findall(r"\d\.\d{6}", text)


# The build's -j 2 forks its readers from this process; under pytest-xdist
# the worker's own execnet thread makes Python 3.12+ warn about that fork.
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_chart_plots_the_run_its_page_shows_and_every_mistake_names_its_line(project):
    """One build, in Chinese: a chart, then every mistake a chart can hold."""
    for name in (
        "fixture_table",
        "fixture_start_method",
        "fixture_pair_main",
        "fixture_pair_worker",
    ):
        project.example(name)
    with (project.root / "docs/conf.py").open("a") as conf:
        # In Chinese, from the extension's catalogue; searched in English: no jieba to load.
        conf.write(
            'language = "zh_CN"\nhtml_search_language = "en"\nexample_start_method = "spawn"\n'
        )
    text, lines = "# T\n\n```{example} fixture_table.py\n```\n\n" + GOOD + "\n", []
    for chart in BAD:
        lines.append(text.count("\n") + 1)
        text += chart + "\n"
    project.page(text)
    # The other examples are shown on another page: not on the charts' page.
    (project.root / "docs/other.md").write_text(
        "---\norphan: true\n---\n# O\n\n```{example} fixture_start_method.py\n```\n\n"
        "```{example} fixture_pair_main.py\n```\n"
    )
    # -j 2 with more than 5 pages: they are read in forked processes, which
    # find the runs made ahead, and their failures are merged back.
    for number in range(4):
        (project.root / f"docs/blank{number}.md").write_text(
            f"---\norphan: true\n---\n# B{number}\n"
        )
    result = project.build("-q", "-j", "2")
    assert result.returncode == 1
    # Mistakes in the directive come as the page is parsed, the others once
    # its outputs are in place: each names its line.
    errors = dict(
        (int(match[1]), match[2])
        for match in re.finditer(r"index\.md:(\d+): ERROR: example-chart: (.*)", result.stderr)
    )
    assert sorted(errors) == lines, result.stderr
    for line, message in zip(lines, BAD.values(), strict=True):
        assert message in errors[line], (line, errors[line], message)
    assert "Traceback" not in result.stderr

    # The chart's numbers are the shown output's: the same run, run once.
    page = (project.root / "docs/_build/html/index.html").read_text()
    output = re.search(
        r'<div class="example-output highlight-text[^"]*"><div class="highlight"><pre>(.*?)</pre>',
        page,
        re.S,
    )
    assert output, page
    shown = numbers(html.unescape(re.sub(r"<[^>]+>", "", output[1])))
    assert len(shown) == 4  # three random numbers and a zero
    figure = re.search(r'<figure class="example-chart" id="([^"]+)">(.*?)</figure>', page, re.S)
    assert figure, page
    chart = ElementTree.fromstring(re.search(r"<svg.*</svg>", figure[2], re.S)[0])
    values = [t.text for t in chart.iter(f"{NS}text") if t.get("class") == "example-chart-value"]
    assert values == shown
    desc = chart.find(f"{NS}desc").text
    assert numbers(desc) == shown
    assert desc.startswith("每行一根柱，按打印的顺序：first: ")  # the zh_CN catalogue
    assert chart.find(f"{NS}title").text == (
        "柱状图：examples/fixture_table.py 打印的表 numbers 中 value 一列的值"
    )
    assert re.search(
        r"<figcaption>图表 · value · 表 numbers · Python [\d.]+ · \w+ · 启动方式 spawn</figcaption>",
        figure[2],
    )
    runs = [(r["example"], r["method"]) for r in project.report()["records"]]
    assert sorted(runs) == [
        ("examples/fixture_pair_main.py", "spawn"),
        ("examples/fixture_start_method.py", "spawn"),
        ("examples/fixture_table.py", "spawn"),
    ]
