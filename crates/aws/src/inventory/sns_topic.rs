//! `AWS::SNS::Topic` from `sns:ListTopics`, `sns:GetTopicAttributes` and
//! `sns:ListTagsForResource` per topic.
//!
//! Field names: the Config resource schema's, confirmed there (`KmsMasterKeyId`, `TopicArn`,
//! `DisplayName`, the delivery-status feedback roles and sample rates, the latter integers).
//! moto's own Config items spell the key `kmsMasterKeyId`; real ones do not. A topic whose
//! attributes cannot be read gets no item, only a reported failure.

use super::{Ctx, port_error, typed_attributes};
use serde_json::Value;
use sidewatch_core::ports::PortError;
use std::collections::HashMap;

/// Attributes the schema types as integers.
const INTEGERS: &[&str] = &[
    "ApplicationSuccessFeedbackSampleRate",
    "FirehoseSuccessFeedbackSampleRate",
    "HTTPSuccessFeedbackSampleRate",
    "LambdaSuccessFeedbackSampleRate",
    "SQSSuccessFeedbackSampleRate",
];

/// Attributes the schema keeps as strings.
const STRINGS: &[&str] = &[
    "TopicArn",
    "DisplayName",
    "Owner",
    "KmsMasterKeyId",
    "FifoTopic",
    "ContentBasedDeduplication",
    "ApplicationFailureFeedbackRoleArn",
    "ApplicationSuccessFeedbackRoleArn",
    "FirehoseFailureFeedbackRoleArn",
    "FirehoseSuccessFeedbackRoleArn",
    "HTTPFailureFeedbackRoleArn",
    "HTTPSuccessFeedbackRoleArn",
    "LambdaFailureFeedbackRoleArn",
    "LambdaSuccessFeedbackRoleArn",
    "SQSFailureFeedbackRoleArn",
    "SQSSuccessFeedbackRoleArn",
];

pub(super) async fn collect(ctx: &Ctx) -> Result<(), PortError> {
    let client = aws_sdk_sns::Client::new(&ctx.sdk);
    let mut arns = Vec::new();
    let mut pages = client.list_topics().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| port_error("sns:ListTopics", &e))?;
        arns.extend(
            page.topics()
                .iter()
                .filter_map(|t| t.topic_arn())
                .map(str::to_owned),
        );
    }
    ctx.for_each(arns, |ctx, arn| async move { topic(&ctx, &arn).await })
        .await;
    Ok(())
}

async fn topic(ctx: &Ctx, arn: &str) {
    let client = aws_sdk_sns::Client::new(&ctx.sdk);
    let attributes = match client.get_topic_attributes().topic_arn(arn).send().await {
        Ok(out) => out.attributes().cloned().unwrap_or_default(),
        Err(e) => {
            ctx.out
                .failure(Some(arn), port_error("sns:GetTopicAttributes", &e));
            return;
        }
    };
    let name = arn.rsplit(':').next().unwrap_or(arn);
    // Config's resource id of a topic is its ARN.
    let mut parts = ctx.item(arn, Some(name), Some(arn.to_owned()));
    match client
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
    {
        Ok(out) => {
            parts.tags = out
                .tags()
                .iter()
                .map(|t| (t.key().to_owned(), t.value().to_owned()))
                .collect();
        }
        Err(e) => ctx
            .out
            .failure(Some(arn), port_error("sns:ListTagsForResource", &e)),
    }
    parts.configuration = configuration(&attributes);
    ctx.out.item(parts.build()).await;
}

/// The Config `configuration` of a topic from its attributes.
pub(super) fn configuration(attributes: &HashMap<String, String>) -> Value {
    Value::Object(typed_attributes(attributes, INTEGERS, STRINGS, &[]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_get_the_schema_types() {
        let attributes: HashMap<String, String> = [
            ("TopicArn", "arn:aws:sns:us-east-1:123456789012:alerts"),
            ("HTTPSuccessFeedbackSampleRate", "50"),
            ("Policy", "{}"),
            ("SubscriptionsConfirmed", "0"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let v = configuration(&attributes);
        assert_eq!(v["TopicArn"], "arn:aws:sns:us-east-1:123456789012:alerts");
        assert_eq!(v["HTTPSuccessFeedbackSampleRate"], 50);
        assert!(v.get("KmsMasterKeyId").is_none());
        assert!(v.get("Policy").is_none());
    }
}
