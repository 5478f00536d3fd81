import json
import os
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecs_exec_guard.terraform import Location, SourceLocator, plan_clusters
from ecs_exec_guard.terraform.hclindex import index_blocks

WORKSPACE = Path(__file__).parent / "data" / "terraform" / "workspace"
PLAN_FILE = WORKSPACE / "infra" / "plan.json"


def fixture_plan():
    return json.loads(PLAN_FILE.read_text())


def line_of(path: Path, needle: str, after: str | None = None) -> int:
    """1-based line of the first line containing `needle` (after the first line containing `after`)."""
    lines = path.read_text().splitlines()
    start = 0
    if after is not None:
        start = next(i for i, line in enumerate(lines) if after in line)
    return next(i for i, line in enumerate(lines) if i >= start and needle in line) + 1


def where(loc):
    """A location's place only (file, line, kind, end line)."""
    return None if loc is None else Location(loc.file, loc.line, loc.kind, loc.end_line)


def not_in_sources(loc) -> bool:
    """No .tf place: nothing, or the payload file."""
    return loc is None or loc.kind == "payload"


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


CLUSTER_NONE = """\
resource "aws_ecs_cluster" "{name}" {{
  configuration {{
    execute_command_configuration {{
      logging = "NONE"
    }}
  }}
}}
"""


@pytest.fixture(scope="module")
def locator():
    return SourceLocator(str(WORKSPACE), "infra", fixture_plan(), "infra/plan.json")


# -- the fixture workspace ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("aws_ecs_cluster.failing", Location("infra/main.tf", 11, "tf", 14)),
        ("aws_ecs_cluster.passing", Location("infra/main.tf", 22, "tf", 29)),  # its logging line
        ("aws_ecs_cluster.tricky", Location("infra/tricky.tf", 26, "tf", 29)),
        ("module.app.aws_ecs_cluster.app", Location("infra/modules/app/main.tf", 11, "tf", 14)),
        (
            "module.app.module.inner[1].aws_ecs_cluster.deep[0]",
            Location("infra/modules/app/inner/main.tf", 12, "tf", 15),
        ),
        ('module.regional["us"].aws_ecs_cluster.regional["blue"]', Location("shared/regional/main.tf", 11, "tf", 14)),
        # a registry module: its call, in the calling file (the vendored copy elsewhere is not used)
        ("module.platform.aws_ecs_cluster.this", Location("infra/main.tf", 41, "tf", 44)),
        ("data.aws_ecs_cluster.existing", Location("infra/main.tf", 46, "tf", 48)),
    ],
)
def test_locates_declarations_in_the_fixture_workspace(locator, address, expected):
    assert where(locator.locate(address)) == expected


def test_every_cluster_of_the_fixture_plan_is_located(locator):
    kinds = {c.address: locator.locate(c.address).kind for c in plan_clusters(fixture_plan())}
    assert kinds.pop("aws_ecs_cluster.legacy") == "payload"
    assert set(kinds.values()) == {"tf"}


def test_cluster_missing_from_the_sources_falls_back_to_the_payload_line(locator):
    expected = line_of(PLAN_FILE, '"address": "aws_ecs_cluster.legacy"')
    assert where(locator.locate("aws_ecs_cluster.legacy")) == Location("infra/plan.json", expected, "payload")
    expected = line_of(PLAN_FILE, '"address": "aws_ecs_cluster.retired"')
    assert where(locator.locate("aws_ecs_cluster.retired")) == Location("infra/plan.json", expected, "payload")


@pytest.mark.parametrize(
    "address",
    ["aws_ecs_cluster.fake", "aws_ecs_cluster.commented", "aws_ecs_cluster.hashed", "aws_ecs_cluster.nowhere", "x"],
)
def test_blocks_in_heredocs_and_comments_are_not_declarations(locator, address):
    found = locator.locate(address)
    assert found.kind == "payload" and found.note == "no .tf source was found for it"


def test_terraform_dir_defaults_to_the_payload_folder():
    locator = SourceLocator(str(WORKSPACE), None, fixture_plan(), "infra/plan.json")
    assert where(locator.locate("module.app.aws_ecs_cluster.app")) == Location("infra/modules/app/main.tf", 11, "tf", 14)


def test_terraform_dir_and_payload_may_be_absolute():
    plan_path = str(PLAN_FILE.resolve())
    locator = SourceLocator(str(WORKSPACE), str(WORKSPACE / "infra"), fixture_plan(), plan_path)
    assert where(locator.locate("aws_ecs_cluster.failing")) == Location("infra/main.tf", 11, "tf", 14)
    assert locator.locate("aws_ecs_cluster.legacy").file == "infra/plan.json"


def test_registry_module_is_located_at_its_call_never_in_other_folders():
    # examples/cluster/ and vendor/ecs/modules/cluster/ both declare aws_ecs_cluster.this:
    # neither is the source of module.platform, whose code is not in the workspace
    locator = SourceLocator(str(WORKSPACE), "infra", fixture_plan(), "infra/plan.json")
    found = locator.locate("module.platform.aws_ecs_cluster.this")
    assert (found.file, found.what, found.module_call) == ("infra/main.tf", "module-call", "module.platform")


def test_root_resources_are_never_taken_from_another_folder(tmp_path):
    write(tmp_path, {"b/main.tf": CLUSTER_NONE.format(name="c"), "a/main.tf": CLUSTER_NONE.format(name="c")})
    locator = SourceLocator(str(tmp_path), "does-not-exist", {}, "plan.json", b"{}")
    assert locator.locate("aws_ecs_cluster.c").kind == "payload"


def test_nonexistent_workspace_or_empty_inputs_give_none(tmp_path):
    assert SourceLocator(str(tmp_path / "missing"), None, {}, "plan.json").locate("aws_ecs_cluster.c") is None
    assert SourceLocator(str(tmp_path), None, None, "").locate("aws_ecs_cluster.c") is None


# -- module resolution --------------------------------------------------------------------------------


def test_local_module_sources_are_followed_relative_to_the_calling_module(tmp_path):
    write(
        tmp_path,
        {
            "live/prod/main.tf": 'module "svc" {\n  source = "../../mods/svc"\n}\n',
            "mods/svc/main.tf": 'module "db" {\n  source = "./db"\n}\n',
            "mods/svc/db/main.tf": "\n\n" + CLUSTER_NONE.format(name="c"),
            # same block, elsewhere: module resolution must pick the one above
            "aaa/main.tf": CLUSTER_NONE.format(name="c"),
        },
    )
    plan = {
        "configuration": {
            "root_module": {
                "module_calls": {
                    "svc": {"source": "../../mods/svc", "module": {"module_calls": {"db": {"source": "./db"}}}}
                }
            }
        }
    }
    locator = SourceLocator(str(tmp_path), "live/prod", plan, "live/prod/plan.json", b"")
    assert where(locator.locate('module.svc["a"].module.db[3].aws_ecs_cluster.c[0]')) == Location(
        "mods/svc/db/main.tf", 6, "tf", 9
    )


def test_module_source_escaping_the_workspace_is_ignored(tmp_path):
    workspace = tmp_path / "ws"
    write(tmp_path, {"outside/main.tf": CLUSTER_NONE.format(name="c"), "ws/root/main.tf": "# root\n"})
    plan = {"configuration": {"root_module": {"module_calls": {"m": {"source": "../../outside"}}}}}
    locator = SourceLocator(str(workspace), "root", plan, "root/plan.json", b"{}")
    assert not_in_sources(locator.locate("module.m.aws_ecs_cluster.c"))


def test_terraform_dir_outside_the_workspace_is_ignored(tmp_path):
    write(tmp_path, {"outside/main.tf": CLUSTER_NONE.format(name="c"), "ws/x.txt": ""})
    locator = SourceLocator(str(tmp_path / "ws"), "../outside", {}, "plan.json", b"{}")
    assert not_in_sources(locator.locate("aws_ecs_cluster.c"))


def test_symlinks_leading_out_of_the_workspace_are_not_followed(tmp_path):
    write(tmp_path, {"outside/main.tf": CLUSTER_NONE.format(name="c"), "ws/root/main.tf": "# root\n"})
    workspace = tmp_path / "ws"
    os.symlink(tmp_path / "outside" / "main.tf", workspace / "root" / "linked.tf")
    os.symlink(tmp_path / "outside", workspace / "root" / "linkdir")
    plan = {"configuration": {"root_module": {"module_calls": {"m": {"source": "./linkdir"}}}}}
    locator = SourceLocator(str(workspace), "root", plan, "root/plan.json", b"{}")
    assert not_in_sources(locator.locate("aws_ecs_cluster.c"))
    assert not_in_sources(locator.locate("module.m.aws_ecs_cluster.c"))


def test_symlinks_inside_the_workspace_are_fine(tmp_path):
    write(tmp_path, {"mods/real/main.tf": CLUSTER_NONE.format(name="c"), "root/main.tf": "# root\n"})
    os.symlink(tmp_path / "mods" / "real", tmp_path / "root" / "alias")
    plan = {"configuration": {"root_module": {"module_calls": {"m": {"source": "./alias"}}}}}
    locator = SourceLocator(str(tmp_path), "root", plan, "root/plan.json", b"{}")
    assert where(locator.locate("module.m.aws_ecs_cluster.c")) == Location("mods/real/main.tf", 4, "tf", 7)


def test_workspace_search_skips_tool_and_vcs_directories(tmp_path):
    write(
        tmp_path,
        {
            ".terraform/modules/m/main.tf": CLUSTER_NONE.format(name="c"),
            ".git/x/main.tf": CLUSTER_NONE.format(name="c"),
            "node_modules/x/main.tf": CLUSTER_NONE.format(name="c"),
            "root/main.tf": "# root\n",
        },
    )
    payload = b'{"planned_values": {"root_module": {"child_modules": [{"resources": [\n{"address": "module.m.aws_ecs_cluster.c"}]}]}}}'
    plan = {"configuration": {"root_module": {"module_calls": {"m": {"source": "org/m/aws"}}}}}
    locator = SourceLocator(str(tmp_path), "root", plan, "root/plan.json", payload)
    assert where(locator.locate("module.m.aws_ecs_cluster.c")) == Location("root/plan.json", 2, "payload")


def test_module_resource_is_not_taken_from_the_root_directory(tmp_path):
    write(tmp_path, {"root/main.tf": CLUSTER_NONE.format(name="c"), "mods/c/main.tf": CLUSTER_NONE.format(name="c")})
    plan = {"configuration": {"root_module": {"module_calls": {"m": {"source": "git::https://example.com/mods.git"}}}}}
    locator = SourceLocator(str(tmp_path), "root", plan, "root/plan.json", b"{}")
    assert where(locator.locate("aws_ecs_cluster.c")) == Location("root/main.tf", 4, "tf", 7)
    # a git module whose call is not in the sources: never a same-named block of another folder
    assert not_in_sources(locator.locate("module.m.aws_ecs_cluster.c"))


def test_missing_module_call_in_configuration_is_not_searched_elsewhere(tmp_path):
    write(tmp_path, {"root/main.tf": "# root\n", "mods/x/main.tf": CLUSTER_NONE.format(name="c")})
    locator = SourceLocator(str(tmp_path), "root", {"configuration": "garbage"}, "root/plan.json", b"{}")
    assert not_in_sources(locator.locate("module.gone.aws_ecs_cluster.c"))


def test_only_tf_files_directly_in_the_module_directory_are_scanned_first(tmp_path):
    write(
        tmp_path,
        {
            "root/sub/a.tf": CLUSTER_NONE.format(name="c"),
            "root/z.tf": "\n" + CLUSTER_NONE.format(name="c"),
            "root/b.tf.json": "{}",
        },
    )
    locator = SourceLocator(str(tmp_path), "root", {}, "root/plan.json", b"{}")
    assert where(locator.locate("aws_ecs_cluster.c")) == Location("root/z.tf", 5, "tf", 8)


# -- scanning ---------------------------------------------------------------------------------------------


def locate_in(tmp_path, text, address="aws_ecs_cluster.c"):
    (tmp_path / "main.tf").write_bytes(text.encode() if isinstance(text, str) else text)
    return SourceLocator(str(tmp_path), ".", {}, "plan.json", b"{}").locate(address)


def test_logging_attribute_must_be_named_exactly_logging(tmp_path):
    text = """\
    resource "aws_ecs_cluster" "c" {
      configuration {
        execute_command_configuration {
          s3_logging   = "NONE"
          logging_mode = "NONE"
          log_configuration {
            cloud_watch_encryption_enabled = true
          }
          logging = "DEFAULT"
        }
      }
    }
    """
    # the logging line, not s3_logging or logging_mode
    assert where(locate_in(tmp_path, textwrap.dedent(text))) == Location("main.tf", 9, "tf", 12)


def test_single_line_blocks_and_odd_spacing(tmp_path):
    text = 'resource "aws_ecs_cluster" "c" {\n  configuration { execute_command_configuration { logging\t=  "NONE" } }\n}\n'
    assert where(locate_in(tmp_path, text)) == Location("main.tf", 2, "tf", 3)


def test_crlf_line_endings(tmp_path):
    text = CLUSTER_NONE.format(name="c").replace("\n", "\r\n")
    assert where(locate_in(tmp_path, "# x\r\n" + text)) == Location("main.tf", 5, "tf", 8)


def test_unquoted_labels(tmp_path):
    assert where(locate_in(tmp_path, "resource aws_ecs_cluster c {\n}\n")) == Location("main.tf", 1, "tf", 2)


def test_unterminated_block_ends_at_the_last_line(tmp_path):
    text = 'resource "aws_ecs_cluster" "c" {\n  name = "x"\n\n'
    assert where(locate_in(tmp_path, text)) == Location("main.tf", 1, "tf", 4)


def test_data_source_is_distinct_from_resource(tmp_path):
    text = 'data "aws_ecs_cluster" "c" {\n}\n\nresource "aws_ecs_cluster" "c" {\n}\n'
    assert where(locate_in(tmp_path, text, "data.aws_ecs_cluster.c")) == Location("main.tf", 1, "tf", 2)
    assert where(locate_in(tmp_path, text, "aws_ecs_cluster.c")) == Location("main.tf", 4, "tf", 5)


def test_invalid_utf8_is_tolerated_and_binary_files_are_skipped(tmp_path):
    write(tmp_path, {"root/ok.tf": ""})
    (tmp_path / "root" / "a.tf").write_bytes(b"\x00\x01" + CLUSTER_NONE.format(name="c").encode())
    (tmp_path / "root" / "b.tf").write_bytes(b"# \xff\xfe latin junk\n" + CLUSTER_NONE.format(name="c").encode())
    (tmp_path / "root" / "dir.tf").mkdir()
    locator = SourceLocator(str(tmp_path), "root", {}, "root/plan.json", b"{}")
    assert where(locator.locate("aws_ecs_cluster.c")) == Location("root/b.tf", 5, "tf", 8)


def test_block_with_a_none_line_is_preferred_over_a_bare_declaration(tmp_path):
    write(
        tmp_path,
        {"a.tf": 'resource "aws_ecs_cluster" "c" {\n  name = "c"\n}\n', "b_override.tf": CLUSTER_NONE.format(name="c")},
    )
    locator = SourceLocator(str(tmp_path), ".", {}, "plan.json", b"{}")
    assert where(locator.locate("aws_ecs_cluster.c")) == Location("b_override.tf", 4, "tf", 7)


def test_index_blocks_handles_strings_templates_heredocs_and_comments():
    text = textwrap.dedent(
        """\
        locals {
          e = <<-EOT
            }
            resource "aws_ecs_cluster" "heredoc" {
            EOT
        }
        resource "aws_ecs_cluster" "real" { # {
          a = "}"
          b = "\\"}"
          c = "${ {x = "}"}["x"] }"
          d = "%{ for k in ["}"] }${k}%{ endfor }"
          /* } */ f = 1 # }
          g = 2 // }
          h = <<EOT
        logging = "NONE"
        }
        EOT
          i = "$${"
          logging = "NONE"
        }
        resource "aws_ecs_cluster" "after" {
        }
        """
    )
    blocks = index_blocks(text)
    assert list(blocks) == [("resource", "aws_ecs_cluster", "real"), ("resource", "aws_ecs_cluster", "after")]
    real = blocks[("resource", "aws_ecs_cluster", "real")]
    assert (real.start_line, real.end_line, real.logging_none_line) == (7, 20, 19)
    after = blocks[("resource", "aws_ecs_cluster", "after")]
    assert (after.start_line, after.end_line, after.logging_none_line) == (21, 22, None)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='resourcdatlgin_ "{}[]$%#/*<-EOT\n\\=N', max_size=300))
def test_index_blocks_never_raises(text):
    for block in index_blocks(text).values():
        assert 1 <= block.start_line <= block.end_line


# -- payload fallback ---------------------------------------------------------------------------------


def test_payload_fallback_counts_lines_in_compact_json_with_escaped_keys(tmp_path):
    address = 'module.m["a<b&\\"c"].aws_ecs_cluster.x["é"]'
    # Go's encoder writes <, > and & as \\u003c, \\u003e and \\u0026.
    encoded = json.dumps(address).replace("<", "\\u003c").replace("&", "\\u0026").encode()
    payload = b'{"planned_values":\n{"root_module":\n{"child_modules":[{"resources":[{"address":' + encoded + b"}]}]}}}"
    locator = SourceLocator(str(tmp_path), None, {}, "out/plan.json", payload)
    assert where(locator.locate(address)) == Location("out/plan.json", 3, "payload")
    other = locator.locate('module.m["a<b"].aws_ecs_cluster.x')  # not in the payload: the file itself
    assert (other.file, other.line, other.kind) == ("out/plan.json", None, "payload")


def test_payload_fallback_prefers_planned_values(tmp_path):
    payload = {
        "resource_changes": [{"address": "aws_ecs_cluster.c"}],
        "planned_values": {"root_module": {"resources": [{"address": "aws_ecs_cluster.c"}]}},
    }
    (tmp_path / "plan.json").write_text(json.dumps(payload, indent=1))
    locator = SourceLocator(str(tmp_path), None, payload, "plan.json")
    expected = line_of(tmp_path / "plan.json", '"aws_ecs_cluster.c"', after="planned_values")
    assert where(locator.locate("aws_ecs_cluster.c")) == Location("plan.json", expected, "payload")
    assert expected > line_of(tmp_path / "plan.json", '"aws_ecs_cluster.c"')


def test_payload_is_read_from_disk_when_no_bytes_are_given(tmp_path):
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "p.json").write_text('{\n\n  "address" : "aws_ecs_cluster.c"\n}')
    locator = SourceLocator(str(tmp_path), None, {}, str(tmp_path / "plans" / "p.json"))
    assert where(locator.locate("aws_ecs_cluster.c")) == Location("plans/p.json", 3, "payload")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('{"address": "aws_ecs_cluster.c"}', None),  # one line, as terraform show -json writes it
        ('{"address": "aws_ecs_cluster.c"}\n', None),  # one line and its line feed
        ('\n\n{"a": 1,\n"address": "aws_ecs_cluster.c"}', 4),
        ('\ufeff{\r\n"address": "aws_ecs_cluster.c"}', 2),
    ],
)
def test_payload_lines_from_the_file_and_from_bytes_agree(tmp_path, text, line):
    path = tmp_path / "p.json"
    path.write_text(text, encoding="utf-8")
    from_file = SourceLocator(str(tmp_path), None, {}, str(path))
    from_bytes = SourceLocator(str(tmp_path), None, {}, str(path), payload_bytes=path.read_bytes())
    for locator in (from_file, from_bytes):
        assert where(locator.locate("aws_ecs_cluster.c")) == Location("p.json", line, "payload")


def test_an_empty_payload_file_gives_no_line(tmp_path):
    (tmp_path / "p.json").write_bytes(b"")
    locator = SourceLocator(str(tmp_path), None, {}, str(tmp_path / "p.json"))
    assert where(locator.locate("aws_ecs_cluster.c")) == Location("p.json", None, "payload")


def test_payload_outside_the_workspace_or_unreadable_gives_none(tmp_path):
    (tmp_path / "ws").mkdir()
    (tmp_path / "p.json").write_text('{"address": "aws_ecs_cluster.c"}')
    assert SourceLocator(str(tmp_path / "ws"), None, {}, str(tmp_path / "p.json")).locate("aws_ecs_cluster.c") is None
    assert SourceLocator(str(tmp_path / "ws"), None, {}, "missing.json").locate("aws_ecs_cluster.c") is None


# -- robustness and speed -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        None,
        5,
        "",
        "module.",
        "module.m",
        "aws_ecs_cluster",
        "a.b.c.d",
        'module.m["x.aws_ecs_cluster.c',
        "x[1].y",
        "...",
    ],
)
def test_odd_addresses_never_raise(locator, address):
    assert not_in_sources(locator.locate(address))


@pytest.mark.parametrize(
    "plan",
    [
        None,
        {"configuration": {"root_module": {"module_calls": []}}},
        {"configuration": {"root_module": {"module_calls": {"app": None}}}},
        {"configuration": {"root_module": {"module_calls": {"app": {"source": 5, "module": []}}}}},
        {"configuration": {"root_module": {"module_calls": {"app": {"source": "./modules/app\x00"}}}}},
    ],
)
def test_odd_plans_never_raise(plan):
    locator = SourceLocator(str(WORKSPACE), "infra", plan, "infra/plan.json")
    found = locator.locate("module.app.aws_ecs_cluster.app")
    assert found is not None and found.kind == "tf"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet='module.aws_ecs_cluster[]"0123\\ data', max_size=60))
def test_arbitrary_addresses_never_raise(address):
    SourceLocator(str(WORKSPACE), "infra", {}, "infra/plan.json").locate(address)


def test_thousands_of_lookups_are_fast(tmp_path):
    module_calls = {}
    for m in range(50):
        body = "".join(CLUSTER_NONE.format(name=f"c{r}") for r in range(10))
        write(tmp_path, {f"mods/m{m}/main.tf": body})
        module_calls[f"m{m}"] = {"source": f"../mods/m{m}"}
    write(tmp_path, {f"noise/n{i}/main.tf": CLUSTER_NONE.format(name=f"n{i}") for i in range(300)})
    (tmp_path / "root").mkdir()
    addresses = [f"module.m{m}[{i}].aws_ecs_cluster.c{r}[{i}]" for m in range(50) for r in range(10) for i in range(10)]
    payload = json.dumps({"resource_changes": [{"address": a} for a in addresses]}, indent=1).encode()
    plan = {"configuration": {"root_module": {"module_calls": module_calls}}}
    started = time.perf_counter()
    locator = SourceLocator(str(tmp_path), "root", plan, "root/plan.json", payload)
    found = [locator.locate(a) for a in addresses]
    missing = [locator.locate(f"module.m1.aws_ecs_cluster.gone{i}") for i in range(200)]
    elapsed = time.perf_counter() - started
    assert len(addresses) == 5000
    assert where(found[0]) == Location("mods/m0/main.tf", 4, "tf", 7)
    assert where(found[-1]) == Location("mods/m49/main.tf", 67, "tf", 70)
    assert all(f is not None and f.kind == "tf" for f in found)
    assert all(m.kind == "payload" and m.line is None for m in missing)
    assert elapsed < 5, elapsed


# -- linear scanning: properties over random .tf text -------------------------------------------------

_HCL_PIECES = [
    "resource", "data", "module", '"aws_ecs_cluster"', '"c"', " ", "\n", "{", "}", "[", "]", "(", ")", "=", "==",
    '"', '\\"', "${", "%{", "#", "//", "/*", "*/", "<<EOF\n", "<<-EOF\n", "EOF\n", "logging", '"NONE"', "NONE",
    "var.x", "dynamic", "content", "configuration", "execute_command_configuration", ",", "\r\n", "é", "\t",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_HCL_PIECES), max_size=120))
def test_random_tf_text_is_indexed_without_error_and_with_lines_in_range(pieces):
    text = "".join(pieces)
    lines = text.count("\n") + 1
    for key, block in index_blocks(text).items():
        assert key[0] in ("resource", "data", "module")
        assert 1 <= block.start_line <= block.end_line <= lines
        for attr in block.attrs:
            assert block.start_line <= attr.line <= block.end_line
        for _, line in block.blocks:
            assert block.start_line <= line <= block.end_line


_NOISE = st.sampled_from([
    "", "# a comment with { and \"NONE\"\n", "// resource \"aws_ecs_cluster\" \"fake\" {\n",
    "/* multi\nline { } */\n", "locals {\n  s = <<EOT\nresource \"aws_ecs_cluster\" \"heredoc\" {\nEOT\n}\n",
    "variable \"v\" {\n  default = \"}\"\n}\n",
])
_ATTRS = st.lists(st.sampled_from([
    '  name = "x-${var.env}"\n', "  tags = {\n    a = \"}\"\n  }\n", "  count = length([1, 2])\n",
    '  setting {\n    name  = "containerInsights"\n    value = "enabled"\n  }\n',
]), max_size=3)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_NOISE, _ATTRS, st.sampled_from(["NONE", "DEFAULT", None])), min_size=1, max_size=8))
def test_generated_configurations_are_indexed_exactly(blocks):
    text, expected = "", {}
    for i, (noise, attrs, logging) in enumerate(blocks):
        text += noise
        start = text.count("\n") + 1
        text += f'resource "aws_ecs_cluster" "c{i}" {{\n' + "".join(attrs)
        logging_line = None
        if logging is not None:
            text += "  configuration {\n    execute_command_configuration {\n"
            logging_line = text.count("\n") + 1
            text += f'      logging = "{logging}"\n    }}\n  }}\n'
        text += "}\n"
        expected[("resource", "aws_ecs_cluster", f"c{i}")] = (start, text.count("\n"), logging, logging_line)
    index = index_blocks(text)
    assert {k for k in index if k[2] in ("fake", "heredoc")} == set()
    for key, (start, end, logging, logging_line) in expected.items():
        block = index[key]
        assert (block.start_line, block.end_line) == (start, end)
        attr = block.attr(("configuration", "execute_command_configuration", "logging"))
        if logging is None:
            assert attr is None
        else:
            assert attr.line == logging_line and attr.none == (logging == "NONE")


def test_time_budget_stops_the_scan_and_the_plan_location_says_so(tmp_path):
    from ecs_exec_guard.terraform.hclindex import OutOfTime
    from ecs_exec_guard.terraform.locate import OUT_OF_TIME, SharedBudget

    text = CLUSTER_NONE.format(name="c") * 2000
    with pytest.raises(OutOfTime):
        index_blocks(text, deadline=time.monotonic() - 1)
    (tmp_path / "main.tf").write_text(text)
    payload = b'{\n"planned_values": {"root_module": {"resources": [\n{"address": "aws_ecs_cluster.c"}]}}}'
    budget = SharedBudget(seconds=0.0)
    budget.deadline = time.monotonic() - 1  # already spent
    found = SourceLocator(str(tmp_path), ".", {}, "plan.json", payload, budget=budget).locate("aws_ecs_cluster.c")
    assert (found.file, found.line, found.kind, found.note) == ("plan.json", 3, "payload", OUT_OF_TIME)


def test_files_over_the_size_cap_are_not_read(tmp_path):
    from ecs_exec_guard.terraform.locate import MAX_FILE_BYTES

    text = CLUSTER_NONE.format(name="c") + "#" * MAX_FILE_BYTES + "\n"
    (tmp_path / "main.tf").write_text(text)
    found = SourceLocator(str(tmp_path), ".", {}, "plan.json", b"{}").locate("aws_ecs_cluster.c")
    assert found.kind == "payload"


def test_registry_module_call_argument_writing_none_is_the_place(tmp_path):
    # as with terraform-aws-modules/ecs: the cluster sits in a nested module whose
    # configuration block is dynamic (no expressions in the plan), fed by a call argument
    write(tmp_path, {"live/main.tf": """\
        module "ecs" {
          source  = "terraform-aws-modules/ecs/aws"
          version = "~> 5.0"

          cluster_name = "prod"
          cluster_configuration = {
            execute_command_configuration = {
              logging = "NONE"
            }
          }
        }
        """})
    plan = {"configuration": {"root_module": {"module_calls": {"ecs": {
        "source": "terraform-aws-modules/ecs/aws",
        "module": {"module_calls": {"cluster": {"source": "./modules/cluster", "module": {"resources": [
            {"address": "aws_ecs_cluster.this", "mode": "managed", "type": "aws_ecs_cluster", "name": "this",
             "expressions": {"name": {"references": ["var.cluster_name"]}}},
        ]}}}},
    }}}}}
    locator = SourceLocator(str(tmp_path), "live", plan, "live/plan.json", b"{}")
    found = locator.locate("module.ecs.module.cluster.aws_ecs_cluster.this[0]")
    assert (found.file, found.line, found.what, found.module_call, found.argument) == (
        "live/main.tf", 6, "module-argument", "module.ecs", "cluster_configuration",
    )


def test_linked_and_special_tf_files_are_never_read(tmp_path):
    # a .tf link to a file outside the workspace and a FIFO named x.tf: neither is
    # opened (the FIFO has no writer: opening it for reading would hang); the
    # location falls back to the cluster's line in the plan
    write(tmp_path, {"outside/main.tf": CLUSTER_NONE.format(name="c")})
    ws = tmp_path / "ws"
    (ws / "root").mkdir(parents=True)
    os.symlink(tmp_path / "outside" / "main.tf", ws / "root" / "linked.tf")
    os.mkfifo(ws / "root" / "x.tf")
    payload = {"planned_values": {"root_module": {"resources": [{"address": "aws_ecs_cluster.c"}]}}}
    (ws / "root" / "plan.json").write_text(json.dumps(payload, indent=1))
    started = time.monotonic()
    locator = SourceLocator(str(ws), None, payload, "root/plan.json")
    found = locator.locate("aws_ecs_cluster.c")
    assert time.monotonic() - started < 2
    line = line_of(ws / "root" / "plan.json", '"aws_ecs_cluster.c"')
    assert where(found) == Location("root/plan.json", line, "payload")
    assert found.note == "no .tf source was found for it"


def test_a_tf_link_inside_the_workspace_is_not_read_either(tmp_path):
    write(tmp_path, {"shared/cluster.tf.txt": CLUSTER_NONE.format(name="c"), "root/main.tf": "# root\n"})
    os.symlink(tmp_path / "shared" / "cluster.tf.txt", tmp_path / "root" / "cluster.tf")
    locator = SourceLocator(str(tmp_path), "root", {}, "root/plan.json", b"{}")
    assert not_in_sources(locator.locate("aws_ecs_cluster.c"))
    # the same file, not a link: found
    os.unlink(tmp_path / "root" / "cluster.tf")
    (tmp_path / "root" / "cluster.tf").write_text(CLUSTER_NONE.format(name="c"))
    locator = SourceLocator(str(tmp_path), "root", {}, "root/plan.json", b"{}")
    assert where(locator.locate("aws_ecs_cluster.c")) == Location("root/cluster.tf", 4, "tf", 7)


def test_a_linked_modules_manifest_is_not_read(tmp_path):
    write(tmp_path, {
        "root/main.tf": "# root\n",
        "root/mods/app/main.tf": CLUSTER_NONE.format(name="c"),
        "elsewhere/modules.json": json.dumps({"Modules": [{"Key": "app", "Source": "./mods/app", "Dir": "mods/app"}]}),
    })
    manifest = tmp_path / "root" / ".terraform" / "modules" / "modules.json"
    manifest.parent.mkdir(parents=True)
    os.symlink(tmp_path / "elsewhere" / "modules.json", manifest)
    locator = SourceLocator(str(tmp_path), "root", {}, "root/plan.json", b"{}")
    assert not_in_sources(locator.locate("module.app.aws_ecs_cluster.c"))
    os.unlink(manifest)
    manifest.write_text((tmp_path / "elsewhere" / "modules.json").read_text())
    locator = SourceLocator(str(tmp_path), "root", {}, "root/plan.json", b"{}")
    assert where(locator.locate("module.app.aws_ecs_cluster.c")) == Location("root/mods/app/main.tf", 4, "tf", 7)


MODULE_WITH_VARIABLE = """\
variable "logging" { type = string }
resource "aws_ecs_cluster" "c" {
  configuration {
    execute_command_configuration {
      logging = var.logging
    }
  }
}
"""


def _for_each_plan(for_each_expression: dict, argument_refs: list[str]) -> dict:
    cluster = {
        "address": "aws_ecs_cluster.c",
        "expressions": {"configuration": [{"execute_command_configuration": [
            {"logging": {"references": ["var.logging"]}}
        ]}]},
    }
    call = {
        "source": "./mod",
        "for_each_expression": for_each_expression,
        "expressions": {"logging": {"references": argument_refs}},
        "module": {"resources": [cluster]},
    }
    return {"configuration": {"root_module": {"module_calls": {"ecs": call}}}}


@pytest.mark.parametrize(
    ("root", "refs", "key", "line", "what"),
    [
        # a map written over several lines: the entry's own line
        ("""\
         module "ecs" {
           source = "./mod"
           for_each = {
             web   = "DEFAULT"
             # batch = "DEFAULT" (an old setting)
             "batch" = "NONE"
           }
           logging = each.value
         }
         """, ["each.value"], "batch", 6, "module-for-each"),
        # objects in the map, one attribute of them read
        ("""\
         module "ecs" {
           source   = "./mod"
           for_each = {
             web = { logging = "DEFAULT" }
             batch = {
               logging = "NONE"
             }
           }
           logging = each.value.logging
         }
         """, ["each.value.logging", "each.value"], "batch", 5, "module-for-each"),
        # quoted keys that are not identifiers; a key that appears first as a value
        ("""\
         module "ecs" {
           source   = "./mod"
           for_each = {
             "team-a.dev"  = "team-a.prod"
             "team-a.prod" = "NONE"
           }
           logging = each.value
         }
         """, ["each.value"], "team-a.prod", 5, "module-for-each"),
        # the map comes from a variable: the argument that reads it
        ("""\
         module "ecs" {
           source   = "./mod"
           for_each = var.clusters
           logging  = each.value
         }
         """, ["each.value"], "batch", 4, "module-argument"),
        # each.key is not the value: the argument
        ("""\
         module "ecs" {
           source   = "./mod"
           for_each = { NONE = "x" }
           logging  = each.key
         }
         """, ["each.key"], "NONE", 4, "module-argument"),
    ],
)
def test_a_module_argument_read_from_for_each_points_at_the_entry(tmp_path, root, refs, key, line, what):
    write(tmp_path, {"root/main.tf": root, "root/mod/main.tf": MODULE_WITH_VARIABLE})
    plan = _for_each_plan({"references": ["var.clusters"]}, refs)
    locator = SourceLocator(str(tmp_path), "root", plan, "root/plan.json", b"{}")
    found = locator.locate(f'module.ecs["{key}"].aws_ecs_cluster.c')
    assert (found.file, found.line, found.kind, found.what) == ("root/main.tf", line, "tf", what)
    assert (found.module_call, found.argument) == ("module.ecs", "logging")
    assert found.entry == (key if what == "module-for-each" else None)
