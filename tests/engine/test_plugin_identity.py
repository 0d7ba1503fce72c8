"""``import bike_mm`` only registers: it replaces no function, class, method
or attribute of mmengine, mmaction or torch, neither at import nor when a
config that imports it is parsed; and its source assigns none."""
import ast
import glob
import json
import os.path as osp
import subprocess
import sys

from tests.helpers import DEMO_CONFIG, REPO_ROOT, checkout_env

#: Modules whose functions and classes must keep their identity (the ones
#: bike_mm once patched, and those a plugin could be tempted to).
MODULES = (
    'mmengine.runner', 'mmengine.runner.runner', 'mmengine.runner.checkpoint',
    'mmengine.dist', 'mmengine.dist.utils', 'mmengine.config',
    'mmengine.config.config', 'mmengine.model', 'mmengine.logging',
    'mmengine.hooks', 'torch', 'torch.serialization', 'torch.distributed',
    'torch.nn.parallel', 'mmaction.registry', 'mmengine.registry')

#: Classes whose own attributes (methods included) must keep their identity.
CLASSES = (
    'mmengine.runner.Runner', 'mmengine.runner.CheckpointLoader',
    'mmengine.model.MMDistributedDataParallel',
    'mmengine.logging.HistoryBuffer', 'mmengine.config.Config',
    'mmengine.hooks.CheckpointHook',
    'torch.nn.parallel.DistributedDataParallel', 'torch.nn.Module',
    'torch.utils.data.DataLoader')

# Run in a fresh interpreter: the test session has imported bike_mm already.
SNAPSHOT = r'''
import importlib, inspect, json, sys

def snapshot(modules, classes):
    ids = {}
    for name in modules:
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if not attr.startswith('__') and not inspect.ismodule(value):
                ids[f'{name}.{attr}'] = id(value)
    for name in classes:
        module, _, cls = name.rpartition('.')
        for attr, value in vars(getattr(importlib.import_module(module),
                                        cls)).items():
            ids[f'{name}.{attr}'] = id(value)
    return ids

modules, classes, config = json.loads(sys.argv[1])
# torch wraps its own torch.manual_seed when torch._dynamo is first
# imported (which FSDP and open_clip do): part of the baseline
import torch._dynamo  # noqa: F401
before = snapshot(modules, classes)
import bike_mm  # noqa: F401
from mmengine.config import Config
Config.fromfile(config)  # imports bike_mm through custom_imports
after = snapshot(modules, classes)
print(json.dumps(dict(
    changed=sorted(k for k in before if after.get(k) != before[k]),
    added=sorted(k for k in after if k not in before))))
'''


def test_import_and_config_parse_replace_nothing():
    result = subprocess.run(
        [sys.executable, '-c', SNAPSHOT,
         json.dumps([MODULES, CLASSES, DEMO_CONFIG])],
        cwd=REPO_ROOT, env=checkout_env(), capture_output=True, text=True,
        timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    diff = json.loads(result.stdout.strip().splitlines()[-1])
    assert diff == dict(changed=[], added=[]), diff


#: Packages whose objects bike_mm must not assign attributes of.
FOREIGN = ('mmengine', 'mmaction', 'mmcv', 'torch')


def foreign_names(tree: ast.Module) -> set:
    """Names a module binds to objects imported from :data:`FOREIGN`."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split('.')[0] in FOREIGN:
                    names.add(alias.asname or alias.name.split('.')[0])
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and \
                node.module.split('.')[0] in FOREIGN:
            names.update(alias.asname or alias.name for alias in node.names)
    return names


def root_name(node: ast.AST):
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def foreign_assignments(path: str) -> list:
    """``file:line: code`` of every assignment (``=``, augmented,
    annotated, ``del``, ``setattr``) to an attribute of a name imported
    from :data:`FOREIGN`."""
    with open(path, encoding='utf-8') as f:
        source = f.read()
    tree = ast.parse(source)
    names = foreign_names(tree)
    found = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        elif isinstance(node, ast.Delete):
            targets = node.targets
        elif isinstance(node, ast.Call) and isinstance(
                node.func, ast.Name) and node.func.id in ('setattr',
                                                          'delattr'):
            targets = [ast.Attribute(value=node.args[0], attr='?')]
        for target in targets:
            for item in (target.elts if isinstance(target, ast.Tuple)
                         else [target]):
                if isinstance(item, ast.Attribute) and \
                        root_name(item) in names:
                    found.append(f'{osp.relpath(path, REPO_ROOT)}:'
                                 f'{node.lineno}: '
                                 f'{ast.get_source_segment(source, node)}')
    return found


def test_source_assigns_no_attribute_of_other_libraries():
    files = glob.glob(osp.join(REPO_ROOT, 'bike_mm', '**', '*.py'),
                      recursive=True)
    assert files
    found = [line for path in sorted(files)
             for line in foreign_assignments(path)]
    assert not found, '\n'.join(found)


def test_the_source_check_finds_a_patch(tmp_path):
    patch = tmp_path / 'patch.py'
    patch.write_text('from mmengine.runner import Runner\n'
                     'import torch.distributed as dist\n'
                     'Runner.train = None\n'
                     'dist.init_process_group = print\n'
                     "setattr(Runner, 'val', None)\n"
                     'runner = Runner\n'
                     'local = object()\n'
                     'local.x = 1\n')
    found = foreign_assignments(str(patch))
    assert [line.split(': ', 1)[1] for line in found] == [
        'Runner.train = None', 'dist.init_process_group = print',
        "setattr(Runner, 'val', None)"
    ]
