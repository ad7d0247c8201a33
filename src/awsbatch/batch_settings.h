// Batch settings: turns the resolved ferry.config (aws.* and executor.*
// keys) into what a run on AWS Batch is built from: the AwsSettings that open
// the AWS session and the AwsBatchOptions the executor takes. Pure: no I/O,
// no environment; every error names the config key and says how to fix it.
#pragma once

#include <string>

#include "aws/settings.h"
#include "awsbatch/awsbatch_executor.h"
#include "config/config.h"
#include "util/status.h"

namespace ferry {

// aws.accessKey/secretKey/region/profile, aws.client.endpoint,
// aws.client.s3PathStyleAccess, aws.client.maxErrorRetry, and the S3 object
// settings (storageEncryption, storageKmsKeyId, storageClass, s3Acl,
// requesterPays, anonymous).
Status AwsSettingsFromConfig(const Config& config, aws::AwsSettings* out);

// aws.batch.* and executor.* (executor.$awsbatch.* wins over executor.*).
// Leaves bucket_dir, region, endpoint_url and on_message to the caller.
// *submit_per_second gets executor.submitRateLimit (default 50 a second).
Status BatchOptionsFromConfig(const Config& config, AwsBatchOptions* out, double* submit_per_second);

// "50", "50/s", "10/2min", "100/1min", "10 sec" -> calls per second.
// `key` names the setting in the error.
Status ParseSubmitRate(const std::string& text, const std::string& key, double* per_second);

}  // namespace ferry
