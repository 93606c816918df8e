//! `AWS::SQS::Queue` from `sqs:ListQueues`, `sqs:GetQueueAttributes` (All) and
//! `sqs:ListQueueTags` per queue.
//!
//! Field names: the Config resource schema's, confirmed there; they are the API's attribute
//! names plus `QueueUrl` and `QueueName`. The schema types the counts as integers and keeps
//! `SqsManagedSseEnabled`, `FifoQueue` and `ContentBasedDeduplication` as the strings the API
//! answers (`"true"`/`"false"`); timestamps are dates. A queue whose attributes cannot be read
//! gets no item (its encryption would be unknown), only a reported failure.

use super::{Ctx, port_error, typed_attributes};
use aws_sdk_sqs::types::QueueAttributeName;
use serde_json::{Map, Value};
use sidewatch_core::ports::PortError;
use std::collections::HashMap;

/// ListQueues pages only when asked for a page size; this is its largest.
const PAGE_SIZE: i32 = 1000;

/// Attributes the schema types as integers.
const INTEGERS: &[&str] = &[
    "DelaySeconds",
    "KmsDataKeyReusePeriodSeconds",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout",
];

/// Attributes the schema keeps as strings.
const STRINGS: &[&str] = &[
    "QueueArn",
    "KmsMasterKeyId",
    "SqsManagedSseEnabled",
    "FifoQueue",
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "FifoThroughputLimit",
];

/// Attributes the schema types as dates (the API answers epoch seconds).
const DATES: &[&str] = &["CreatedTimestamp", "LastModifiedTimestamp"];

pub(super) async fn collect(ctx: &Ctx) -> Result<(), PortError> {
    let client = aws_sdk_sqs::Client::new(&ctx.sdk);
    let mut urls = Vec::new();
    let mut pages = client
        .list_queues()
        .max_results(PAGE_SIZE)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| port_error("sqs:ListQueues", &e))?;
        urls.extend(page.queue_urls().iter().cloned());
    }
    ctx.for_each(urls, |ctx, url| async move { queue(&ctx, &url).await })
        .await;
    Ok(())
}

async fn queue(ctx: &Ctx, url: &str) {
    let client = aws_sdk_sqs::Client::new(&ctx.sdk);
    let attributes = match client
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::All)
        .send()
        .await
    {
        Ok(out) => out
            .attributes()
            .map(|a| {
                a.iter()
                    .map(|(k, v)| (k.as_str().to_owned(), v.clone()))
                    .collect::<HashMap<_, _>>()
            })
            .unwrap_or_default(),
        Err(e) => {
            ctx.out
                .failure(Some(url), port_error("sqs:GetQueueAttributes", &e));
            return;
        }
    };
    let name = url.rsplit('/').next().unwrap_or(url);
    let arn = attributes
        .get("QueueArn")
        .cloned()
        .unwrap_or_else(|| ctx.arn("sqs", name));
    // Config's resource id of a queue is its URL.
    let mut parts = ctx.item(url, Some(name), Some(arn));
    match client.list_queue_tags().queue_url(url).send().await {
        Ok(out) => {
            if let Some(tags) = out.tags() {
                parts.tags = tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            }
        }
        Err(e) => ctx
            .out
            .failure(Some(url), port_error("sqs:ListQueueTags", &e)),
    }
    parts.configuration = configuration(url, name, &attributes);
    ctx.out.item(parts.build()).await;
}

/// The Config `configuration` of a queue from its attributes.
pub(super) fn configuration(url: &str, name: &str, attributes: &HashMap<String, String>) -> Value {
    let mut c = Map::new();
    c.insert("QueueUrl".to_owned(), Value::String(url.to_owned()));
    c.insert("QueueName".to_owned(), Value::String(name.to_owned()));
    c.extend(typed_attributes(attributes, INTEGERS, STRINGS, DATES));
    Value::Object(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_get_the_schema_types() {
        let attributes: HashMap<String, String> = [
            ("QueueArn", "arn:aws:sqs:us-east-1:123456789012:orders"),
            ("SqsManagedSseEnabled", "false"),
            ("VisibilityTimeout", "30"),
            ("CreatedTimestamp", "1767323045"),
            ("Policy", "{}"),
            ("DelaySeconds", "soon"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let url = "https://sqs.us-east-1.amazonaws.com/123456789012/orders";
        let v = configuration(url, "orders", &attributes);
        assert_eq!(v["QueueUrl"], url);
        assert_eq!(v["QueueName"], "orders");
        assert_eq!(v["SqsManagedSseEnabled"], "false");
        assert_eq!(v["VisibilityTimeout"], 30);
        assert_eq!(v["DelaySeconds"], "soon");
        assert_eq!(v["CreatedTimestamp"], "2026-01-02T03:04:05Z");
        assert!(v.get("KmsMasterKeyId").is_none());
        assert!(v.get("Policy").is_none());
    }
}
