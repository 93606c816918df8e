//! Amazon Resource Names: `arn:<partition>:<service>:<region>:<account>:<resource>`.
//!
//! [`Arn::parse`] splits an ARN into its six fields and checks only their syntax; what a field
//! must hold for a given service (an S3 bucket ARN has no Region and no account, an IAM ARN no
//! Region) is for the caller to decide.
//!
//! ```
//! use sidewatch_core::arn::Arn;
//!
//! let arn = Arn::parse("arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0abc").unwrap();
//! assert_eq!(arn.service, "ec2");
//! assert_eq!(arn.account, "111122223333");
//! assert_eq!(arn.resource, "security-group/sg-0abc");
//!
//! let bucket = Arn::parse("arn:aws:s3:::example-bucket").unwrap();
//! assert_eq!((bucket.region, bucket.account), ("", ""));
//!
//! assert_eq!(Arn::parse("sg-0abc"), None);
//! assert_eq!(Arn::parse("arn:aws:ec2:eu-west-1"), None);
//! ```

use std::fmt;

/// The six fields of an ARN, borrowed from the text it was parsed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Arn<'a> {
    /// `aws`, `aws-cn`, `aws-us-gov`…: never empty.
    pub partition: &'a str,
    /// `ec2`, `s3`, `iam`…: never empty.
    pub service: &'a str,
    /// The Region; empty for services without one (S3 buckets, IAM).
    pub region: &'a str,
    /// The account id; empty for resources without one (S3 buckets). Not checked to be 12 digits:
    /// some ARNs carry `aws` there (AWS managed IAM policies).
    pub account: &'a str,
    /// Everything after the fifth `:`, colons included (`function:name`, `security-group/sg-0abc`,
    /// `bucket`): never empty.
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// Parses `arn:<partition>:<service>:<region>:<account>:<resource>`. `None` when the text does
    /// not start with `arn:`, has fewer than six `:`-separated fields, has an empty partition,
    /// service or resource, or a partition, service, Region or account with characters other than
    /// ASCII letters, digits and `-` (whitespace, `/`…). The resource is kept as it is.
    pub fn parse(text: &'a str) -> Option<Self> {
        let mut fields = text.splitn(6, ':');
        let (prefix, partition, service, region, account, resource) = (
            fields.next()?,
            fields.next()?,
            fields.next()?,
            fields.next()?,
            fields.next()?,
            fields.next()?,
        );
        let token = |s: &str| s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        (prefix == "arn"
            && !partition.is_empty()
            && !service.is_empty()
            && !resource.is_empty()
            && [partition, service, region, account].into_iter().all(token))
        .then_some(Arn {
            partition,
            service,
            region,
            account,
            resource,
        })
    }
}

impl fmt::Display for Arn<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:{}:{}:{}:{}",
            self.partition, self.service, self.region, self.account, self.resource
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_six_fields_are_split_at_the_first_five_colons() {
        let arn = Arn::parse("arn:aws-cn:lambda:cn-north-1:111122223333:function:my-fn").unwrap();
        assert_eq!(
            arn,
            Arn {
                partition: "aws-cn",
                service: "lambda",
                region: "cn-north-1",
                account: "111122223333",
                resource: "function:my-fn",
            }
        );
        assert_eq!(
            arn.to_string(),
            "arn:aws-cn:lambda:cn-north-1:111122223333:function:my-fn"
        );
        let user = Arn::parse("arn:aws:iam::111122223333:user/ops/alice").unwrap();
        assert_eq!((user.region, user.resource), ("", "user/ops/alice"));
        let policy = Arn::parse("arn:aws:iam::aws:policy/ReadOnlyAccess").unwrap();
        assert_eq!(policy.account, "aws");
    }

    #[test]
    fn what_is_not_an_arn_is_none() {
        for text in [
            "",
            "sg-0abc",
            "example-bucket",
            "AWS::::Account:111122223333",
            "arn",
            "arn:aws:s3::",
            "arn:aws:ec2:eu-west-1:111122223333",
            "ARN:aws:s3:::bucket",
            " arn:aws:s3:::bucket",
            "arn::s3:::bucket",
            "arn:aws::::bucket",
            "arn:aws:s3:::",
            "arn:aws:ec2:eu west 1:111122223333:vpc/vpc-1",
            "arn:aws:ec2:eu-west-1:1111/2222:vpc/vpc-1",
        ] {
            assert_eq!(Arn::parse(text), None, "{text:?}");
        }
    }
}
