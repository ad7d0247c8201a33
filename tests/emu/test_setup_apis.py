"""The AWS set-up calls in ferry-awsemu, through boto3: EC2's default VPC,
subnets and security group, launch templates with versions, EC2 tags; S3
bucket configuration (lifecycle, policy, public access block, tags); Logs
retention; Batch compute environments and queues with their status
transitions, IAM role checks and tags. One emulator for the module: each test
uses names of its own."""

import json
import time

import botocore.exceptions
import pytest

from tests.conftest import Emu


@pytest.fixture(scope="module")
def emu_once(tmp_path_factory):
    e = Emu(str(tmp_path_factory.mktemp("setup")), extra_args=())
    yield e
    e.stop()
    assert "Sanitizer" not in e.stderr() and "runtime error:" not in e.stderr(), e.stderr()[-4000:]


@pytest.fixture(scope="module")
def clients(emu_once):
    made = {}

    def get(service):
        if service not in made:
            made[service] = emu_once.client(service)
        return made[service]

    yield get
    for c in made.values():
        c.close()


def code_of(call, **kwargs):
    with pytest.raises(botocore.exceptions.ClientError) as err:
        call(**kwargs)
    r = err.value.response
    return r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"]


# ------------------------------------------------------------------- EC2


def test_default_vpc_subnets_and_security_group(clients):
    ec2 = clients("ec2")
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]
    assert len(vpcs) == 1
    vpc = vpcs[0]
    assert (vpc["IsDefault"], vpc["CidrBlock"], vpc["State"]) == (True, "172.31.0.0/16", "available")
    assert ec2.describe_vpcs(VpcIds=[vpc["VpcId"]])["Vpcs"][0]["VpcId"] == vpc["VpcId"]
    assert code_of(ec2.describe_vpcs, VpcIds=["vpc-00000000000000000"]) == ("InvalidVpcID.NotFound", 400)

    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]},
                                            {"Name": "default-for-az", "Values": ["true"]}])["Subnets"]
    assert sorted(s["AvailabilityZone"] for s in subnets) == ["us-east-1a", "us-east-1b", "us-east-1c"]
    assert all(s["DefaultForAz"] and s["MapPublicIpOnLaunch"] and s["VpcId"] == vpc["VpcId"] for s in subnets)
    assert ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": ["vpc-other"]}])["Subnets"] == []

    groups = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]},
                                                   {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"]
    assert len(groups) == 1 and groups[0]["GroupName"] == "default"
    assert groups[0]["IpPermissionsEgress"][0]["IpRanges"] == [{"CidrIp": "0.0.0.0/0"}]
    assert ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"][0]["GroupId"] == groups[0]["GroupId"]
    assert code_of(ec2.describe_security_groups, GroupNames=["nope"]) == ("InvalidGroup.NotFound", 400)
    assert code_of(ec2.describe_vpcs, DryRun=True) == ("DryRunOperation", 412)


NVME_USER_DATA = "TUlNRS1WZXJzaW9uOiAxLjAK"  # base64, as EC2 takes it


def test_launch_templates_versions_and_tags(clients):
    ec2 = clients("ec2")
    data = {"BlockDeviceMappings": [{"DeviceName": "/dev/xvda",
                                     "Ebs": {"VolumeSize": 200, "VolumeType": "gp3", "DeleteOnTermination": True}}],
            "EbsOptimized": True, "UserData": NVME_USER_DATA}
    lt = ec2.create_launch_template(
        LaunchTemplateName="ferry-disk", VersionDescription="200 GiB", LaunchTemplateData=data,
        TagSpecifications=[{"ResourceType": "launch-template",
                            "Tags": [{"Key": "ferry:setup", "Value": "lab"}]}])["LaunchTemplate"]
    assert lt["LaunchTemplateId"].startswith("lt-")
    assert (lt["DefaultVersionNumber"], lt["LatestVersionNumber"]) == (1, 1)
    assert lt["Tags"] == [{"Key": "ferry:setup", "Value": "lab"}]
    assert code_of(ec2.create_launch_template, LaunchTemplateName="ferry-disk",
                   LaunchTemplateData=data) == ("InvalidLaunchTemplateName.AlreadyExistsException", 400)

    v1 = ec2.describe_launch_template_versions(LaunchTemplateName="ferry-disk",
                                               Versions=["$Latest"])["LaunchTemplateVersions"][0]
    got = v1["LaunchTemplateData"]
    assert got["BlockDeviceMappings"] == data["BlockDeviceMappings"]
    assert (got["EbsOptimized"], got["UserData"], v1["DefaultVersion"]) == (True, NVME_USER_DATA, True)

    v2 = ec2.create_launch_template_version(
        LaunchTemplateId=lt["LaunchTemplateId"], SourceVersion="1",
        LaunchTemplateData={"BlockDeviceMappings": [{"DeviceName": "/dev/xvda",
                                                     "Ebs": {"VolumeSize": 500, "VolumeType": "gp3"}}]})
    assert v2["LaunchTemplateVersion"]["VersionNumber"] == 2
    ec2.modify_launch_template(LaunchTemplateId=lt["LaunchTemplateId"], DefaultVersion="2")
    default = ec2.describe_launch_template_versions(LaunchTemplateId=lt["LaunchTemplateId"],
                                                    Versions=["$Default"])["LaunchTemplateVersions"][0]
    assert default["VersionNumber"] == 2
    assert default["LaunchTemplateData"]["BlockDeviceMappings"][0]["Ebs"]["VolumeSize"] == 500
    assert default["LaunchTemplateData"]["UserData"] == NVME_USER_DATA  # kept from version 1
    assert code_of(ec2.describe_launch_template_versions, LaunchTemplateName="ferry-disk",
                   Versions=["9"]) == ("InvalidLaunchTemplateVersion.NotFound", 400)

    found = ec2.describe_launch_templates(Filters=[{"Name": "tag:ferry:setup", "Values": ["lab"]}])["LaunchTemplates"]
    assert [t["LaunchTemplateName"] for t in found] == ["ferry-disk"]
    assert found[0]["LatestVersionNumber"] == 2 and found[0]["DefaultVersionNumber"] == 2
    assert code_of(ec2.describe_launch_templates,
                   LaunchTemplateNames=["none"]) == ("InvalidLaunchTemplateName.NotFoundException", 400)

    ec2.delete_launch_template(LaunchTemplateName="ferry-disk")
    assert ec2.describe_launch_templates()["LaunchTemplates"] == []
    assert code_of(ec2.delete_launch_template,
                   LaunchTemplateId=lt["LaunchTemplateId"]) == ("InvalidLaunchTemplateId.NotFound", 400)


def test_ec2_tags_on_vpc_resources(clients):
    ec2 = clients("ec2")
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    sg = ec2.describe_security_groups()["SecurityGroups"][0]["GroupId"]
    ec2.create_tags(Resources=[vpc, sg], Tags=[{"Key": "ferry:setup", "Value": "lab"}, {"Key": "x", "Value": "1"}])
    tags = ec2.describe_tags(Filters=[{"Name": "key", "Values": ["ferry:setup"]}])["Tags"]
    assert sorted((t["ResourceId"], t["ResourceType"], t["Value"]) for t in tags) == sorted(
        [(vpc, "vpc", "lab"), (sg, "security-group", "lab")])
    assert ec2.describe_vpcs(Filters=[{"Name": "tag:x", "Values": ["1"]}])["Vpcs"][0]["Tags"] == [
        {"Key": "ferry:setup", "Value": "lab"}, {"Key": "x", "Value": "1"}]
    ec2.delete_tags(Resources=[vpc], Tags=[{"Key": "x"}])
    assert [t["Key"] for t in ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [vpc]}])["Tags"]] == [
        "ferry:setup"]
    assert code_of(ec2.create_tags, Resources=["vpc-missing"], Tags=[{"Key": "k", "Value": "v"}]) == ("InvalidID", 400)


# -------------------------------------------------------------------- S3

LIFECYCLE = {"Rules": [{"ID": "expire", "Status": "Enabled", "Filter": {"Prefix": ""},
                        "Expiration": {"Days": 30},
                        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}}]}
TLS_ONLY = {"Version": "2012-10-17",
            "Statement": [{"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                           "Resource": ["arn:aws:s3:::ferry-cfg", "arn:aws:s3:::ferry-cfg/*"],
                           "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}


def test_bucket_lifecycle_policy_public_access_block_and_tags(clients, emu_once):
    s3 = clients("s3")
    s3.create_bucket(Bucket="ferry-cfg")
    assert code_of(s3.get_bucket_lifecycle_configuration, Bucket="ferry-cfg") == (
        "NoSuchLifecycleConfiguration", 404)
    assert code_of(s3.get_bucket_policy, Bucket="ferry-cfg") == ("NoSuchBucketPolicy", 404)
    assert code_of(s3.get_public_access_block, Bucket="ferry-cfg") == ("NoSuchPublicAccessBlockConfiguration", 404)
    assert code_of(s3.get_bucket_tagging, Bucket="ferry-cfg") == ("NoSuchTagSet", 404)

    s3.put_bucket_lifecycle_configuration(Bucket="ferry-cfg", LifecycleConfiguration=LIFECYCLE)
    assert s3.get_bucket_lifecycle_configuration(Bucket="ferry-cfg")["Rules"] == LIFECYCLE["Rules"]
    bad = {"Rules": [dict(LIFECYCLE["Rules"][0], Expiration={"Days": 0})]}
    assert code_of(s3.put_bucket_lifecycle_configuration, Bucket="ferry-cfg",
                   LifecycleConfiguration=bad) == ("InvalidArgument", 400)

    s3.put_bucket_policy(Bucket="ferry-cfg", Policy=json.dumps(TLS_ONLY))
    assert json.loads(s3.get_bucket_policy(Bucket="ferry-cfg")["Policy"]) == TLS_ONLY
    assert code_of(s3.put_bucket_policy, Bucket="ferry-cfg", Policy="not json") == ("MalformedPolicy", 400)

    block = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
             "RestrictPublicBuckets": True}
    s3.put_public_access_block(Bucket="ferry-cfg", PublicAccessBlockConfiguration=block)
    assert s3.get_public_access_block(Bucket="ferry-cfg")["PublicAccessBlockConfiguration"] == block

    s3.put_bucket_tagging(Bucket="ferry-cfg", Tagging={"TagSet": [{"Key": "ferry:setup", "Value": "lab"}]})
    assert s3.get_bucket_tagging(Bucket="ferry-cfg")["TagSet"] == [{"Key": "ferry:setup", "Value": "lab"}]
    assert code_of(s3.put_bucket_tagging, Bucket="ferry-cfg", Tagging={"TagSet": [
        {"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}]}) == ("InvalidTag", 400)
    assert s3.get_bucket_location(Bucket="ferry-cfg")["LocationConstraint"] is None  # us-east-1

    s3.delete_bucket_lifecycle(Bucket="ferry-cfg")
    s3.delete_bucket_policy(Bucket="ferry-cfg")
    s3.delete_public_access_block(Bucket="ferry-cfg")
    s3.delete_bucket_tagging(Bucket="ferry-cfg")
    assert code_of(s3.get_bucket_lifecycle_configuration, Bucket="ferry-cfg")[0] == "NoSuchLifecycleConfiguration"
    assert code_of(s3.get_bucket_policy, Bucket="ferry-cfg")[0] == "NoSuchBucketPolicy"
    assert code_of(s3.get_bucket_lifecycle_configuration, Bucket="no-such-bucket")[0] == "NoSuchBucket"
    ops = {r["operation"] for r in emu_once.requests() if r["service"] == "s3"}
    assert {"PutBucketLifecycleConfiguration", "GetBucketPolicy", "DeletePublicAccessBlock"} <= ops


def test_bucket_configuration_survives_a_restart(tmp_path):
    first = Emu(str(tmp_path))
    try:
        s3 = first.client("s3")
        s3.create_bucket(Bucket="kept")
        s3.put_bucket_lifecycle_configuration(Bucket="kept", LifecycleConfiguration=LIFECYCLE)
        s3.close()
    finally:
        first.stop()
    again = Emu(str(tmp_path))
    try:
        s3 = again.client("s3", aws_access_key_id=again.access_key)
        assert s3.get_bucket_lifecycle_configuration(Bucket="kept")["Rules"] == LIFECYCLE["Rules"]
        s3.close()
    finally:
        again.stop()


# ------------------------------------------------------------------ Logs


def test_log_group_retention(clients):
    logs = clients("logs")
    logs.create_log_group(logGroupName="/aws/batch/job-setup")
    logs.put_retention_policy(logGroupName="/aws/batch/job-setup", retentionInDays=30)
    g = logs.describe_log_groups(logGroupNamePrefix="/aws/batch/job-setup")["logGroups"][0]
    assert g["retentionInDays"] == 30
    logs.delete_retention_policy(logGroupName="/aws/batch/job-setup")
    g = logs.describe_log_groups(logGroupNamePrefix="/aws/batch/job-setup")["logGroups"][0]
    assert "retentionInDays" not in g


# ----------------------------------------------------------------- Batch


def wait_status(describe, key, name, status, timeout=10):
    deadline = time.time() + timeout
    while True:
        items = describe()[key]
        now = items[0]["status"] if items else None
        if now == status:
            return items[0] if items else None
        assert time.time() < deadline, f"{name} stayed {now}, expected {status}"
        time.sleep(0.05)


def managed(max_vcpus=4, instance_role="ecsInstanceRole"):
    return {"type": "EC2", "maxvCpus": max_vcpus, "minvCpus": 0, "instanceTypes": ["optimal"],
            "subnets": ["subnet-1"], "securityGroupIds": ["sg-1"], "instanceRole": instance_role}


def test_compute_environment_lifecycle_and_roles(clients):
    batch, iam = clients("batch"), clients("iam")
    assert code_of(batch.create_compute_environment, computeEnvironmentName="no-role", type="MANAGED",
                   serviceRole="arn:aws:iam::123456789012:role/missing",
                   computeResources=managed()) == ("ClientException", 400)
    assert code_of(batch.create_compute_environment, computeEnvironmentName="no-profile", type="MANAGED",
                   computeResources=managed(instance_role="missing-profile")) == ("ClientException", 400)
    assert batch.describe_compute_environments(computeEnvironments=["no-role", "no-profile"])[
        "computeEnvironments"] == []

    batch.create_compute_environment(computeEnvironmentName="ferry-ce-life", type="MANAGED",
                                     computeResources=managed(), tags={"ferry:setup": "lab"})
    describe = lambda: batch.describe_compute_environments(computeEnvironments=["ferry-ce-life"])  # noqa: E731
    assert describe()["computeEnvironments"][0]["status"] == "CREATING"
    ce = wait_status(describe, "computeEnvironments", "ferry-ce-life", "VALID")
    # With no serviceRole, Batch uses (and creates) its service-linked role.
    assert ce["serviceRole"].endswith(":role/aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch")
    assert iam.get_role(RoleName="AWSServiceRoleForBatch")["Role"]["RoleName"] == "AWSServiceRoleForBatch"

    batch.create_job_queue(jobQueueName="ferry-q-life", priority=1,
                           computeEnvironmentOrder=[{"order": 1, "computeEnvironment": "ferry-ce-life"}],
                           tags={"ferry:setup": "lab"})
    q_describe = lambda: batch.describe_job_queues(jobQueues=["ferry-q-life"])  # noqa: E731
    wait_status(q_describe, "jobQueues", "ferry-q-life", "VALID")

    batch.update_compute_environment(computeEnvironment="ferry-ce-life", computeResources={"maxvCpus": 8})
    assert describe()["computeEnvironments"][0]["status"] == "UPDATING"
    ce = wait_status(describe, "computeEnvironments", "ferry-ce-life", "VALID")
    assert ce["computeResources"]["maxvCpus"] == 8
    assert code_of(batch.update_compute_environment, computeEnvironment="ferry-ce-life",
                   serviceRole="no-such-role") == ("ClientException", 400)

    # Delete only when DISABLED, and not while a queue uses it.
    assert code_of(batch.delete_compute_environment, computeEnvironment="ferry-ce-life") == ("ClientException", 400)
    batch.update_compute_environment(computeEnvironment="ferry-ce-life", state="DISABLED")
    assert code_of(batch.delete_compute_environment, computeEnvironment="ferry-ce-life") == ("ClientException", 400)
    assert code_of(batch.delete_job_queue, jobQueue="ferry-q-life") == ("ClientException", 400)
    batch.update_job_queue(jobQueue="ferry-q-life", state="DISABLED")
    batch.delete_job_queue(jobQueue="ferry-q-life")
    wait_status(q_describe, "jobQueues", "ferry-q-life", "DELETED")
    wait_status(q_describe, "jobQueues", "ferry-q-life", None)
    batch.delete_compute_environment(computeEnvironment="ferry-ce-life")
    assert describe()["computeEnvironments"][0]["status"] == "DELETING"
    wait_status(describe, "computeEnvironments", "ferry-ce-life", "DELETED")
    wait_status(describe, "computeEnvironments", "ferry-ce-life", None)


def test_service_role_that_exists_is_accepted_and_tags_work(clients):
    batch, iam = clients("batch"), clients("iam")
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "batch.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    role = iam.create_role(RoleName="ferry-batch-service", AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    arn = batch.create_compute_environment(computeEnvironmentName="ferry-ce-tags", type="MANAGED",
                                           serviceRole=role["Arn"], computeResources=managed(),
                                           tags={"ferry:setup": "lab"})["computeEnvironmentArn"]
    batch.tag_resource(resourceArn=arn, tags={"team": "x"})
    assert batch.list_tags_for_resource(resourceArn=arn)["tags"] == {"ferry:setup": "lab", "team": "x"}
    batch.untag_resource(resourceArn=arn, tagKeys=["team"])
    assert batch.list_tags_for_resource(resourceArn=arn)["tags"] == {"ferry:setup": "lab"}
    jd = batch.register_job_definition(jobDefinitionName="ferry-build-tags", type="container",
                                       containerProperties={"image": "busybox", "vcpus": 1, "memory": 128},
                                       tags={"ferry:setup": "lab"})
    assert batch.list_tags_for_resource(resourceArn=jd["jobDefinitionArn"])["tags"] == {"ferry:setup": "lab"}
    ce = batch.describe_compute_environments(computeEnvironments=[arn])["computeEnvironments"][0]
    assert ce["serviceRole"] == role["Arn"]


def test_max_vcpus_of_a_created_environment_limits_its_jobs(clients):
    batch = clients("batch")
    batch.create_compute_environment(computeEnvironmentName="ferry-ce-small", type="MANAGED",
                                     computeResources=managed(max_vcpus=2))
    batch.create_job_queue(jobQueueName="ferry-q-small", priority=1,
                           computeEnvironmentOrder=[{"order": 1, "computeEnvironment": "ferry-ce-small"}])
    batch.register_job_definition(jobDefinitionName="ferry-sleep", type="container",
                                  containerProperties={"image": "busybox", "command": ["sleep", "1"],
                                                       "resourceRequirements": [
                                                           {"type": "VCPU", "value": "2"},
                                                           {"type": "MEMORY", "value": "64"}]})
    too_big = batch.submit_job(jobName="big", jobQueue="ferry-q-small", jobDefinition="ferry-sleep",
                               containerOverrides={"resourceRequirements": [{"type": "VCPU", "value": "4"}]})
    first = batch.submit_job(jobName="a", jobQueue="ferry-q-small", jobDefinition="ferry-sleep")
    second = batch.submit_job(jobName="b", jobQueue="ferry-q-small", jobDefinition="ferry-sleep")
    ids = [first["jobId"], second["jobId"]]
    deadline = time.time() + 20
    both_running = False
    while time.time() < deadline:
        jobs = {j["jobId"]: j for j in batch.describe_jobs(jobs=ids + [too_big["jobId"]])["jobs"]}
        statuses = [jobs[i]["status"] for i in ids]
        both_running |= statuses == ["RUNNING", "RUNNING"]
        if all(s == "SUCCEEDED" for s in statuses):
            break
        time.sleep(0.1)
    assert [jobs[i]["status"] for i in ids] == ["SUCCEEDED", "SUCCEEDED"]
    assert not both_running  # 2 vCPUs hold one 2-vCPU job at a time
    # A job larger than the environment can ever be waits, saying why.
    big = jobs[too_big["jobId"]]
    assert big["status"] == "RUNNABLE" and big["statusReason"].startswith("MISCONFIGURATION:JOB_RESOURCE")
    batch.terminate_job(jobId=too_big["jobId"], reason="test over")
