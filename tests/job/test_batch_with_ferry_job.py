"""A pipeline on (emulated) AWS Batch whose jobs stage their files with
ferry-job as aws.batch.cliPath: the wrappers' fetch, input staging, output
upload and log upload all go through the static binary."""
from tests.batch.conftest import make_world, world  # noqa: F401 (fixtures)
from tests.batch.test_tasks import check_chain_with_cli_path
from tests.conftest import built_binary


def test_ferry_job_as_cli_path(world):
    check_chain_with_cli_path(world, built_binary("FERRY_JOB_BIN"))
