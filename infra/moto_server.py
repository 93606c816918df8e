"""moto's server as the tests run it, with S3 GetBucketVersioning answered in S3's documented shape.

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

What changes: the root element's name of that one answer, nothing else. The bucket's state, the
elements inside the root, the namespace, headers and status code stay moto's, and every other
operation (including GetBucketVersioning's error answers, e.g. NoSuchBucket) is served untouched.
If a later moto already answers ``VersioningConfiguration``, the body passes through as it is.
"""

import re
import sys

import xmltodict
from moto.core.serialize import S3Serializer
from moto.server import main

OPERATION = "GetBucketVersioning"
MOTO_ROOT = "GetBucketVersioningResponse"
S3_ROOT = "VersioningConfiguration"

_moto_result_to_response = S3Serializer._serialized_result_to_response


def _result_to_response(self, resp, result, shape, serialized_result):
    """moto's successful S3 answer; for GetBucketVersioning, with S3's root element name."""
    resp = _moto_result_to_response(self, resp, result, shape, serialized_result)
    if self.operation_model.name != OPERATION or not resp.get("body"):
        return resp
    document = xmltodict.parse(resp["body"])
    if list(document) != [MOTO_ROOT]:
        return resp
    resp["body"] = self._serialize_body({S3_ROOT: document[MOTO_ROOT]})
    return resp


S3Serializer._serialized_result_to_response = _result_to_response

if __name__ == "__main__":
    # The same entry point and argument handling as the `moto_server` console script.
    sys.argv[0] = re.sub(r"(-script\.pyw|\.exe)?$", "", sys.argv[0])
    sys.exit(main())
