"""moto's server as the tests run it, with two S3 answers in S3's documented shape.

Run it with the Python of the environment moto is installed in (.venv/bin/python after
infra/bootstrap.sh), with the same arguments as ``moto_server``:

    .venv/bin/python infra/moto_server.py -H 127.0.0.1 -p 5000

``sidewatch_testkit::Moto`` (crates/testkit) starts every test's moto this way.

Why: S3's API reference gives the GetBucketVersioning response syntax as

    HTTP/1.1 200
    <?xml version="1.0" encoding="UTF-8"?>
    <VersioningConfiguration>
       <Status>string</Status>
       <MfaDelete>string</MfaDelete>
    </VersioningConfiguration>

(https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketVersioning.html; its example answer
carries ``xmlns="http://s3.amazonaws.com/doc/2006-03-01/"``). moto 5.2.5 answers through its generic
serializer, which names the root after the operation: ``<GetBucketVersioningResponse xmlns=...>``.
boto3 ignores the root name; the Rust SDK checks it and fails the call ("encountered invalid XML
root: expected VersioningConfiguration but got ..."). So the S3.14 remediation and the versioning
evidence could not be tested against moto from Rust.

The same holds for GetBucketNotificationConfiguration of a bucket with no notification: S3 answers
an empty ``<NotificationConfiguration/>``
(https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketNotificationConfiguration.html),
moto 5.2.5 ``<GetBucketNotificationResponse .../>`` (a bucket with notifications is answered
correctly), so S3.11's collector read failed for every bucket without one.

What changes: the root element's name of those answers, nothing else. The bucket's state, the
elements inside the root, the namespace, headers and status code stay moto's, and every other
operation (including GetBucketVersioning's error answers, e.g. NoSuchBucket) is served untouched.
If a later moto already answers ``VersioningConfiguration``, the body passes through as it is.
"""

import re
import sys

import xmltodict
from moto.core.serialize import S3Serializer
from moto.server import main

# Operation -> the root element S3 documents for its answer.
S3_ROOTS = {
    "GetBucketVersioning": "VersioningConfiguration",
    "GetBucketNotificationConfiguration": "NotificationConfiguration",
    "GetBucketNotification": "NotificationConfiguration",
}

_moto_result_to_response = S3Serializer._serialized_result_to_response


def _result_to_response(self, resp, result, shape, serialized_result):
    """moto's successful S3 answer; for the operations above, with S3's root element name."""
    resp = _moto_result_to_response(self, resp, result, shape, serialized_result)
    s3_root = S3_ROOTS.get(self.operation_model.name)
    if s3_root is None or not resp.get("body"):
        return resp
    document = xmltodict.parse(resp["body"])
    roots = list(document)
    if len(roots) != 1 or roots[0] == s3_root or not roots[0].endswith("Response"):
        return resp
    resp["body"] = self._serialize_body({s3_root: document[roots[0]]})
    return resp


S3Serializer._serialized_result_to_response = _result_to_response

if __name__ == "__main__":
    # The same entry point and argument handling as the `moto_server` console script.
    sys.argv[0] = re.sub(r"(-script\.pyw|\.exe)?$", "", sys.argv[0])
    sys.exit(main())
