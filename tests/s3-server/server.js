// Starts s3rver (a real S3-protocol server keeping objects in a folder) on loopback for the artifact store tests.
// Usage: node server.js <port> <directory> <bucket>
'use strict';
const S3rver = require('s3rver');
const objectController = require('s3rver/lib/controllers/object');
const FilesystemStore = require('s3rver/lib/stores/filesystem');

const [port, directory, bucket] = process.argv.slice(2);

// s3rver 3.7 reads x-amz-copy-source with decodeURI, which leaves '%2F' encoded, while AWS SDKs encode the whole
// "bucket/key" value as S3 allows. Normalise it after the signature check so server-side copies work as on S3.
const putObjectCopy = objectController.putObjectCopy;
objectController.putObjectCopy = ctx => {
  ctx.headers['x-amz-copy-source'] = encodeURI(decodeURIComponent(ctx.headers['x-amz-copy-source']));
  return putObjectCopy(ctx);
};

// s3rver 3.7 does not descend into a folder below the prefix when listing with a delimiter, so a folder holding only
// sub-folders (exp/run/artifacts/…) is missing from the common prefixes. List the whole tree and group it as S3 does.
const listObjects = FilesystemStore.prototype.listObjects;
FilesystemStore.prototype.listObjects = async function listObjectsGrouped(bucketName, options) {
  const { delimiter = '', prefix = '', maxKeys = Infinity } = options;
  if (!delimiter) {
    return listObjects.call(this, bucketName, options);
  }

  const all = await listObjects.call(this, bucketName, { ...options, delimiter: '', maxKeys: Infinity });
  const commonPrefixes = new Set();
  const objects = [];
  for (const object of all.objects) {
    const index = object.key.slice(prefix.length).indexOf(delimiter);
    if (index === -1) {
      objects.push(object);
    } else {
      commonPrefixes.add(object.key.slice(0, prefix.length + index + delimiter.length));
    }
  }

  return {
    objects: objects.slice(0, maxKeys),
    commonPrefixes: [...commonPrefixes].sort(),
    isTruncated: objects.length > maxKeys,
  };
};

new S3rver({
  address: '127.0.0.1',
  port: Number(port),
  directory,
  silent: true,
  vhostBuckets: false,
  configureBuckets: [{ name: bucket }],
})
  .run()
  .then(({ port: bound }) => console.log(`s3rver listening on 127.0.0.1:${bound}`))
  .catch(error => {
    console.error(error);
    process.exit(1);
  });
