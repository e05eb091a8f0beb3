// The failure converter used when payload encryption is on: failure messages and stack traces move
// into an encoded payload (encodedAttributes), which the encryption codec then encrypts, so they do
// not reach history in plain text. The SDK loads it by path (DataConverter.failureConverterPath)
// with require() in the worker and the client, and bundles it into the workflow code: hence
// CommonJS, usable as it is from src/ and from dist/ (scripts/build.ts copies it).
'use strict';
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
