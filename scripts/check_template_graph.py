"""Checks what CloudFormation checks of a stack's references before it creates anything.

Each SAM template given is transformed as CloudFormation's AWS::Serverless-2016-10-31
transform does (aws-sam-translator, the library `sam deploy` and CloudFormation use), then the
resulting resources are checked for
  - a dependency cycle: CloudFormation refuses "Circular dependency between resources";
  - a reference to a resource or parameter that does not exist.
Dependencies are read as CloudFormation reads them: Ref, Fn::GetAtt, Fn::Sub (both forms),
DependsOn, and anything inside a resource's Properties, UpdatePolicy or Condition. The check
does not depend on which cfn-lint is installed (cfn-lint 1.51 reports the cycle these checks
were written for, 1.52 to 1.58 do not).

    python3 scripts/check_template_graph.py TEMPLATE.yaml ...

Before the templates, it checks itself on two small stacks that hold a cycle and a dangling
reference, so that a check that finds nothing is known to be able to find something.
Exits 1 naming every problem, 0 when there is none.
"""

import copy
import logging
import os
import re
import sys

from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator
from samtranslator.yaml_helper import yaml_parse

PSEUDO_PARAMETERS = {
    "AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition", "AWS::Region",
    "AWS::StackId", "AWS::StackName", "AWS::URLSuffix",
}
# The parts of a resource whose references make it depend on another; Metadata does not.
DEPENDING_PARTS = ("Properties", "UpdatePolicy", "Condition", "CreationPolicy", "DeletionPolicy")
SUB_VARIABLE = re.compile(r"\$\{([^!}][^}]*)\}")


def transformed(path):
    """The template as CloudFormation deploys it: local code as the S3 object `sam package`
    uploads, then the SAM transform with no managed policies looked up (the templates name
    none)."""
    with open(path) as file:
        template = yaml_parse(file.read())
    for resource in template.get("Resources", {}).values():
        properties = resource.get("Properties", {})
        if resource.get("Type") == "AWS::Serverless::Function" and isinstance(properties.get("CodeUri"), str):
            properties["CodeUri"] = "s3://bucket/" + os.path.basename(properties["CodeUri"])
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    return Translator(managed_policy_map={}, sam_parser=Parser()).translate(
        sam_template=template, parameter_values={})


def references(node, local_names=frozenset()):
    """Every (name, kind) a piece of a template refers to: kind is "Ref", "GetAtt" or "Sub"."""
    if isinstance(node, list):
        for item in node:
            yield from references(item, local_names)
        return
    if not isinstance(node, dict):
        return
    if len(node) == 1:
        (key, value), = node.items()
        if key == "Ref" and isinstance(value, str):
            yield value, "Ref"
            return
        if key == "Fn::GetAtt":
            name = value[0] if isinstance(value, list) else str(value).split(".")[0]
            yield name, "GetAtt"
            return
        if key == "Fn::Sub":
            text, variables = (value, {}) if isinstance(value, str) else (value[0], value[1])
            for variable in SUB_VARIABLE.findall(text):
                name = variable.split(".")[0]
                if name not in variables:
                    yield name, "Sub"
            yield from references(variables, local_names)
            return
    for value in node.values():
        yield from references(value, local_names)


def problems(template):
    """Dangling references and dependency cycles among the template's resources."""
    resources = template.get("Resources", {})
    parameters = set(template.get("Parameters", {}))
    found = []
    depends = {}
    for name, resource in resources.items():
        edges = set()
        for part in DEPENDING_PARTS:
            for target, kind in references(resource.get(part)):
                if target in resources:
                    edges.add(target)
                elif kind == "GetAtt" or (target not in parameters and target not in PSEUDO_PARAMETERS):
                    found.append(f"{name}: {kind} to {target}, which is no resource or parameter")
        depends_on = resource.get("DependsOn", [])
        for target in [depends_on] if isinstance(depends_on, str) else depends_on:
            if target not in resources:
                found.append(f"{name}: DependsOn {target}, which is no resource")
            else:
                edges.add(target)
        depends[name] = sorted(edges)
    for output, value in template.get("Outputs", {}).items():
        for target, kind in references(value):
            if target not in resources and target not in parameters and target not in PSEUDO_PARAMETERS:
                found.append(f"output {output}: {kind} to {target}, which is no resource or parameter")
    found.extend("circular dependency: " + " -> ".join(cycle) for cycle in cycles(depends))
    return found


def cycles(depends):
    """One cycle for each strongly connected group of resources that holds one (Tarjan)."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in depends.get(node, []):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in depends.get(node, []):
                groups.append(set(group))

    sys.setrecursionlimit(10_000)
    for node in sorted(depends):
        if node not in index:
            visit(node)
    return [shortest_cycle(group, depends) for group in groups]


def shortest_cycle(group, depends):
    """The shortest closed walk from the group's first member back to it, to name in a message."""
    start = min(group)
    previous, frontier = {start: None}, [start]
    while frontier:
        following = []
        for node in frontier:
            for successor in depends[node]:
                if successor == start:
                    walk = [node]
                    while walk[-1] != start:
                        walk.append(previous[walk[-1]])
                    return walk[::-1] + [start]
                if successor in group and successor not in previous:
                    previous[successor] = node
                    following.append(successor)
        frontier = following
    return [start]


def self_check():
    """The checker finds the cycle this file was written for, and a dangling reference."""
    stack = {
        "Parameters": {"AppName": {"Type": "String"}},
        "Resources": {
            "Alarm": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"Dimensions": [{"Value": {"Ref": "Api"}}]}},
            "Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"Target": {"Fn::Sub": "${Alias.Arn}"}}},
            "Alias": {"Type": "AWS::Lambda::Alias", "UpdatePolicy": {"CodeDeployLambdaAliasUpdate": {
                "DeploymentGroupName": {"Ref": "Group"}}}},
            "Group": {"Type": "AWS::CodeDeploy::DeploymentGroup", "Properties": {
                "AlarmConfiguration": {"Alarms": [{"Name": {"Ref": "Alarm"}}]}, "Name": {"Ref": "AppName"}}},
        },
    }
    found = problems(stack)
    assert found == ["circular dependency: Alarm -> Api -> Alias -> Group -> Alarm"], found
    broken = copy.deepcopy(stack)
    del broken["Resources"]["Group"]["Properties"]["AlarmConfiguration"]
    broken["Resources"]["Group"]["DependsOn"] = "Missing"
    broken["Resources"]["Api"]["Properties"]["Name"] = {"Fn::Sub": ["${AppName}-${Stage}-${!Literal}", {"Stage": "v1"}]}
    broken["Resources"]["Api"]["Properties"]["Role"] = {"Fn::GetAtt": ["NoRole", "Arn"]}
    found = problems(broken)
    assert found == [
        "Api: GetAtt to NoRole, which is no resource or parameter",
        "Group: DependsOn Missing, which is no resource",
    ], found


def main(paths):
    # The translator's own notices (metrics it did not publish, feature toggles) are not ours.
    logging.getLogger("samtranslator").setLevel(logging.ERROR)
    self_check()
    failed = False
    for path in paths:
        found = problems(transformed(path))
        for problem in found:
            print(f"{path}: {problem}", file=sys.stderr)
        failed = failed or bool(found)
        if not found:
            print(f"{path}: no dependency cycle, no dangling reference")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
