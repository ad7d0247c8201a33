// IAM as ferry-awsemu serves it: the query protocol (Action=CreateRole&...,
// XML answers in IAM's 2010-05-08 shapes, errors as <ErrorResponse> with
// NoSuchEntity, EntityAlreadyExists, DeleteConflict, ...) over an IamStore
// the server shares with Batch and STS. Roles, inline and managed policies
// with versions, attachments to roles and groups, instance profiles,
// service-linked roles and tags. Policy documents go out URL-encoded, as
// IAM sends them (botocore decodes them).
#pragma once

#include <string>

#include "awsemu/iam_store.h"
#include "awsemu/service.h"

namespace awsemu {

class IamService : public Service {
 public:
  explicit IamService(IamStore* store) : store_(store) {}
  std::string signing_name() const override { return "iam"; }
  std::string OperationName(const EmuRequest& req) const override;
  void Handle(const EmuRequest& req, EmuResponse* resp) override;
  void Reset() override { store_->Reset(); }

 private:
  IamStore* store_;
};

}  // namespace awsemu
