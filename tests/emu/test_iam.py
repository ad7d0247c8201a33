"""IAM in ferry-awsemu, driven through boto3: roles with trust policies,
inline and managed policies (with versions), attachments to roles and groups,
instance profiles, the Batch service-linked role, tags, and IAM's error codes
(NoSuchEntity, EntityAlreadyExists, DeleteConflict, MalformedPolicyDocument).
One emulator for the module: each test uses names of its own."""

import json

import botocore.exceptions
import pytest

from tests.conftest import Emu

TRUST = {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                        "Action": "sts:AssumeRole"}]}
BUCKET = {"Version": "2012-10-17",
          "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                         "Resource": "arn:aws:s3:::ferry-data/*"}]}


@pytest.fixture(scope="module")
def module_emu(tmp_path_factory):
    e = Emu(str(tmp_path_factory.mktemp("iam")))
    yield e
    e.stop()
    assert "Sanitizer" not in e.stderr() and "runtime error:" not in e.stderr(), e.stderr()[-4000:]


@pytest.fixture(scope="module")
def iam(module_emu):
    c = module_emu.client("iam")
    yield c
    c.close()


def code_of(excinfo):
    r = excinfo.value.response
    return r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"]


def fails(call, **kwargs):
    with pytest.raises(botocore.exceptions.ClientError) as err:
        call(**kwargs)
    return code_of(err)


def test_role_with_trust_policy_round_trips_and_lists(iam):
    created = iam.create_role(RoleName="ferry-job", Path="/ferry/", AssumeRolePolicyDocument=json.dumps(TRUST),
                              Description="jobs", Tags=[{"Key": "ferry:setup", "Value": "lab"}])["Role"]
    assert created["Arn"] == "arn:aws:iam::123456789012:role/ferry/ferry-job"
    assert created["RoleId"].startswith("AROA")
    role = iam.get_role(RoleName="ferry-job")["Role"]
    assert role["AssumeRolePolicyDocument"] == TRUST  # URL-encoded on the wire, decoded by botocore
    assert role["Description"] == "jobs"
    assert role["MaxSessionDuration"] == 3600
    assert role["Tags"] == [{"Key": "ferry:setup", "Value": "lab"}]
    names = [r["RoleName"] for r in iam.list_roles(PathPrefix="/ferry/")["Roles"]]
    assert names == ["ferry-job"]
    # The account's Batch instance role exists from the start.
    assert "ecsInstanceRole" in [r["RoleName"] for r in iam.list_roles()["Roles"]]

    assert fails(iam.create_role, RoleName="ferry-job",
                 AssumeRolePolicyDocument=json.dumps(TRUST)) == ("EntityAlreadyExists", 409)
    assert fails(iam.create_role, RoleName="bad-trust",
                 AssumeRolePolicyDocument="{nope") == ("MalformedPolicyDocument", 400)
    assert fails(iam.create_role, RoleName="has space",
                 AssumeRolePolicyDocument=json.dumps(TRUST)) == ("ValidationError", 400)
    assert fails(iam.get_role, RoleName="nobody") == ("NoSuchEntity", 404)

    changed = dict(TRUST, Statement=[dict(TRUST["Statement"][0], Principal={"Service": "ec2.amazonaws.com"})])
    iam.update_assume_role_policy(RoleName="ferry-job", PolicyDocument=json.dumps(changed))
    assert iam.get_role(RoleName="ferry-job")["Role"]["AssumeRolePolicyDocument"] == changed


def test_inline_role_policies_block_delete_until_removed(iam):
    iam.create_role(RoleName="inline-role", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.put_role_policy(RoleName="inline-role", PolicyName="bucket", PolicyDocument=json.dumps(BUCKET))
    got = iam.get_role_policy(RoleName="inline-role", PolicyName="bucket")
    assert (got["RoleName"], got["PolicyName"], got["PolicyDocument"]) == ("inline-role", "bucket", BUCKET)
    assert iam.list_role_policies(RoleName="inline-role")["PolicyNames"] == ["bucket"]
    assert fails(iam.delete_role, RoleName="inline-role") == ("DeleteConflict", 409)
    assert fails(iam.get_role_policy, RoleName="inline-role", PolicyName="other") == ("NoSuchEntity", 404)
    assert fails(iam.put_role_policy, RoleName="inline-role", PolicyName="p",
                 PolicyDocument="[]") == ("MalformedPolicyDocument", 400)
    iam.delete_role_policy(RoleName="inline-role", PolicyName="bucket")
    assert iam.list_role_policies(RoleName="inline-role")["PolicyNames"] == []
    iam.delete_role(RoleName="inline-role")
    assert fails(iam.delete_role, RoleName="inline-role") == ("NoSuchEntity", 404)


def test_managed_policies_versions_and_attachments(iam):
    p = iam.create_policy(PolicyName="ferry-bucket", Path="/ferry/", PolicyDocument=json.dumps(BUCKET),
                          Description="the bucket", Tags=[{"Key": "ferry:setup", "Value": "lab"}])["Policy"]
    arn = p["Arn"]
    assert arn == "arn:aws:iam::123456789012:policy/ferry/ferry-bucket"
    assert (p["DefaultVersionId"], p["AttachmentCount"]) == ("v1", 0)
    assert fails(iam.create_policy, PolicyName="ferry-bucket",
                 PolicyDocument=json.dumps(BUCKET)) == ("EntityAlreadyExists", 409)
    assert iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]["Document"] == BUCKET

    wider = dict(BUCKET, Statement=[dict(BUCKET["Statement"][0], Action="s3:*")])
    v2 = iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(wider), SetAsDefault=True)
    assert v2["PolicyVersion"]["VersionId"] == "v2" and v2["PolicyVersion"]["IsDefaultVersion"]
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v2"
    versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    assert [(v["VersionId"], v["IsDefaultVersion"]) for v in versions] == [("v2", True), ("v1", False)]
    assert fails(iam.delete_policy_version, PolicyArn=arn, VersionId="v2") == ("DeleteConflict", 409)
    iam.delete_policy_version(PolicyArn=arn, VersionId="v1")

    iam.create_role(RoleName="attached-role", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.attach_role_policy(RoleName="attached-role", PolicyArn=arn)
    iam.attach_role_policy(RoleName="attached-role",
                           PolicyArn="arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
    attached = iam.list_attached_role_policies(RoleName="attached-role")["AttachedPolicies"]
    assert [a["PolicyName"] for a in attached] == ["ferry-bucket", "AmazonECSTaskExecutionRolePolicy"]
    assert [a["PolicyArn"] for a in iam.list_attached_role_policies(
        RoleName="attached-role", PathPrefix="/ferry/")["AttachedPolicies"]] == [arn]
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 1
    local = iam.list_policies(Scope="Local", OnlyAttached=True)["Policies"]
    assert [x["Arn"] for x in local] == [arn]
    aws_names = [x["PolicyName"] for x in iam.list_policies(Scope="AWS")["Policies"]]
    assert "AmazonEC2ContainerServiceforEC2Role" in aws_names
    assert fails(iam.attach_role_policy, RoleName="attached-role",
                 PolicyArn="arn:aws:iam::123456789012:policy/none") == ("NoSuchEntity", 404)
    assert fails(iam.delete_role, RoleName="attached-role") == ("DeleteConflict", 409)
    assert fails(iam.delete_policy, PolicyArn=arn) == ("DeleteConflict", 409)

    iam.detach_role_policy(RoleName="attached-role", PolicyArn=arn)
    assert fails(iam.detach_role_policy, RoleName="attached-role", PolicyArn=arn) == ("NoSuchEntity", 404)
    iam.tag_policy(PolicyArn=arn, Tags=[{"Key": "team", "Value": "x"}])
    assert iam.list_policy_tags(PolicyArn=arn)["Tags"] == [{"Key": "ferry:setup", "Value": "lab"},
                                                           {"Key": "team", "Value": "x"}]
    iam.untag_policy(PolicyArn=arn, TagKeys=["team"])
    assert iam.list_policy_tags(PolicyArn=arn)["Tags"] == [{"Key": "ferry:setup", "Value": "lab"}]
    iam.delete_policy(PolicyArn=arn)
    assert fails(iam.get_policy, PolicyArn=arn) == ("NoSuchEntity", 404)


def test_groups_with_inline_and_attached_policies(iam):
    g = iam.create_group(GroupName="ferry-users", Path="/ferry/")["Group"]
    assert g["Arn"] == "arn:aws:iam::123456789012:group/ferry/ferry-users"
    assert fails(iam.create_group, GroupName="ferry-users") == ("EntityAlreadyExists", 409)
    got = iam.get_group(GroupName="ferry-users")
    assert got["Group"]["GroupId"] == g["GroupId"] and got["Users"] == []
    iam.put_group_policy(GroupName="ferry-users", PolicyName="submit", PolicyDocument=json.dumps(BUCKET))
    assert iam.get_group_policy(GroupName="ferry-users", PolicyName="submit")["PolicyDocument"] == BUCKET
    assert iam.list_group_policies(GroupName="ferry-users")["PolicyNames"] == ["submit"]
    iam.attach_group_policy(GroupName="ferry-users", PolicyArn="arn:aws:iam::aws:policy/AWSBatchFullAccess")
    assert [a["PolicyName"] for a in iam.list_attached_group_policies(GroupName="ferry-users")[
        "AttachedPolicies"]] == ["AWSBatchFullAccess"]
    assert fails(iam.delete_group, GroupName="ferry-users") == ("DeleteConflict", 409)
    iam.detach_group_policy(GroupName="ferry-users", PolicyArn="arn:aws:iam::aws:policy/AWSBatchFullAccess")
    iam.delete_group_policy(GroupName="ferry-users", PolicyName="submit")
    assert [x["GroupName"] for x in iam.list_groups(PathPrefix="/ferry/")["Groups"]] == ["ferry-users"]
    iam.delete_group(GroupName="ferry-users")
    assert fails(iam.get_group, GroupName="ferry-users") == ("NoSuchEntity", 404)
    assert fails(iam.put_group_policy, GroupName="ferry-users", PolicyName="p",
                 PolicyDocument=json.dumps(BUCKET)) == ("NoSuchEntity", 404)


def test_instance_profiles_hold_one_role(iam):
    iam.create_role(RoleName="ferry-instance", AssumeRolePolicyDocument=json.dumps(TRUST))
    p = iam.create_instance_profile(InstanceProfileName="ferry-instance",
                                    Tags=[{"Key": "ferry:setup", "Value": "lab"}])["InstanceProfile"]
    assert p["Arn"] == "arn:aws:iam::123456789012:instance-profile/ferry-instance"
    assert p["Roles"] == []
    assert fails(iam.create_instance_profile, InstanceProfileName="ferry-instance") == ("EntityAlreadyExists", 409)
    iam.add_role_to_instance_profile(InstanceProfileName="ferry-instance", RoleName="ferry-instance")
    assert fails(iam.add_role_to_instance_profile, InstanceProfileName="ferry-instance",
                 RoleName="ecsInstanceRole") == ("LimitExceeded", 409)
    got = iam.get_instance_profile(InstanceProfileName="ferry-instance")["InstanceProfile"]
    assert [r["RoleName"] for r in got["Roles"]] == ["ferry-instance"]
    assert got["Roles"][0]["AssumeRolePolicyDocument"] == TRUST
    assert [x["InstanceProfileName"] for x in iam.list_instance_profiles_for_role(
        RoleName="ferry-instance")["InstanceProfiles"]] == ["ferry-instance"]
    iam.tag_instance_profile(InstanceProfileName="ferry-instance", Tags=[{"Key": "k", "Value": "v"}])
    assert iam.list_instance_profile_tags(InstanceProfileName="ferry-instance")["Tags"] == [
        {"Key": "ferry:setup", "Value": "lab"}, {"Key": "k", "Value": "v"}]
    iam.untag_instance_profile(InstanceProfileName="ferry-instance", TagKeys=["k", "ferry:setup"])
    assert iam.list_instance_profile_tags(InstanceProfileName="ferry-instance")["Tags"] == []
    assert fails(iam.delete_role, RoleName="ferry-instance") == ("DeleteConflict", 409)
    assert fails(iam.delete_instance_profile, InstanceProfileName="ferry-instance") == ("DeleteConflict", 409)
    iam.remove_role_from_instance_profile(InstanceProfileName="ferry-instance", RoleName="ferry-instance")
    assert fails(iam.remove_role_from_instance_profile, InstanceProfileName="ferry-instance",
                 RoleName="ferry-instance") == ("NoSuchEntity", 404)
    iam.delete_instance_profile(InstanceProfileName="ferry-instance")
    assert fails(iam.get_instance_profile, InstanceProfileName="ferry-instance") == ("NoSuchEntity", 404)
    iam.delete_role(RoleName="ferry-instance")


def test_batch_service_linked_role_and_role_tags(iam):
    role = iam.create_service_linked_role(AWSServiceName="batch.amazonaws.com")["Role"]
    assert role["RoleName"] == "AWSServiceRoleForBatch"
    assert role["Path"] == "/aws-service-role/batch.amazonaws.com/"
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "batch.amazonaws.com"}
    assert [a["PolicyName"] for a in iam.list_attached_role_policies(
        RoleName="AWSServiceRoleForBatch")["AttachedPolicies"]] == ["BatchServiceRolePolicy"]
    assert fails(iam.create_service_linked_role, AWSServiceName="batch.amazonaws.com") == ("InvalidInput", 400)
    assert fails(iam.create_service_linked_role, AWSServiceName="no.amazonaws.com") == ("InvalidInput", 400)

    iam.create_role(RoleName="tagged", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.tag_role(RoleName="tagged", Tags=[{"Key": "ferry:setup", "Value": "a"}, {"Key": "x", "Value": "1"}])
    iam.tag_role(RoleName="tagged", Tags=[{"Key": "ferry:setup", "Value": "b"}])
    assert iam.list_role_tags(RoleName="tagged")["Tags"] == [{"Key": "ferry:setup", "Value": "b"},
                                                             {"Key": "x", "Value": "1"}]
    iam.untag_role(RoleName="tagged", TagKeys=["x"])
    assert iam.list_role_tags(RoleName="tagged")["Tags"] == [{"Key": "ferry:setup", "Value": "b"}]
    assert fails(iam.tag_role, RoleName="nobody", Tags=[{"Key": "k", "Value": "v"}]) == ("NoSuchEntity", 404)


def test_listings_page_with_markers(iam):
    for i in range(5):
        iam.create_role(RoleName=f"paged-{i}", Path="/paged/", AssumeRolePolicyDocument=json.dumps(TRUST))
    pages = list(iam.get_paginator("list_roles").paginate(PathPrefix="/paged/", PaginationConfig={"PageSize": 2}))
    assert [[r["RoleName"] for r in p["Roles"]] for p in pages] == [["paged-0", "paged-1"], ["paged-2", "paged-3"],
                                                                    ["paged-4"]]
    assert fails(iam.list_roles, Marker="zz") == ("InvalidInput", 400)


def test_unknown_action_and_request_log(iam, module_emu):
    assert fails(iam.get_account_summary) == ("InvalidAction", 400)
    logged = [r for r in module_emu.requests() if r["service"] == "iam"]
    assert {"CreateRole", "GetRole", "PutRolePolicy"} <= {r["operation"] for r in logged}
    assert all(module_emu.secret_key not in json.dumps(r) for r in logged)
