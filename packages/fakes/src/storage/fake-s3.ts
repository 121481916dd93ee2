// An in-memory S3 made of msw handlers: the REST calls the AWS SDK makes for PutObject, the
// multipart upload (create / upload part / complete / abort), GetObject and DeleteObject,
// path-style (`<endpoint>/<bucket>/<key>`). Enough to test storage code offline, byte for byte.
import { HttpResponse, http } from "msw";

export interface FakeS3Object {
  body: Uint8Array;
  contentType: string | null;
  cacheControl: string | null;
}

export interface FakeS3Request {
  method: string;
  bucket: string;
  key: string;
  /** PutObject, CreateMultipartUpload, UploadPart, CompleteMultipartUpload … */
  operation: string;
  signed: boolean;
}

export function createFakeS3(endpoint = "http://s3.test") {
  const objects = new Map<string, FakeS3Object>();
  const uploads = new Map<
    string,
    { key: string; head: Omit<FakeS3Object, "body">; parts: Map<number, Uint8Array> }
  >();
  const requests: FakeS3Request[] = [];
  let nextUpload = 1;

  const handler = http.all(`${endpoint}/*`, async ({ request }) => {
    const url = new URL(request.url);
    const [bucket = "", ...keyParts] = url.pathname.slice(1).split("/");
    const key = keyParts.map(decodeURIComponent).join("/");
    const id = `${bucket}/${key}`;
    const uploadId = url.searchParams.get("uploadId");
    const partNumber = url.searchParams.get("partNumber");
    const signed =
      /AWS4-HMAC-SHA256/.test(request.headers.get("authorization") ?? "") ||
      url.searchParams.has("X-Amz-Signature");
    const head = {
      contentType: request.headers.get("content-type"),
      cacheControl: request.headers.get("cache-control"),
    };
    const log = (operation: string) =>
      requests.push({ method: request.method, bucket, key, operation, signed });
    const etag = { ETag: `"etag-${requests.length}"` };

    if (request.method === "PUT" && uploadId && partNumber) {
      log("UploadPart");
      uploads
        .get(uploadId)
        ?.parts.set(Number(partNumber), new Uint8Array(await request.arrayBuffer()));
      return new HttpResponse(null, { status: 200, headers: etag });
    }
    if (request.method === "PUT") {
      log("PutObject");
      objects.set(id, { body: new Uint8Array(await request.arrayBuffer()), ...head });
      return new HttpResponse(null, { status: 200, headers: etag });
    }
    if (request.method === "POST" && url.searchParams.has("uploads")) {
      log("CreateMultipartUpload");
      const newId = `upload-${nextUpload++}`;
      uploads.set(newId, { key: id, head, parts: new Map() });
      return xml(
        `<InitiateMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key}</Key><UploadId>${newId}</UploadId></InitiateMultipartUploadResult>`,
      );
    }
    if (request.method === "POST" && uploadId) {
      log("CompleteMultipartUpload");
      const upload = uploads.get(uploadId);
      if (!upload) return xml("<Error><Code>NoSuchUpload</Code></Error>", 404);
      const order = [...(await request.text()).matchAll(/<PartNumber>(\d+)<\/PartNumber>/g)];
      const parts = order.map((match) => upload.parts.get(Number(match[1])) ?? new Uint8Array());
      objects.set(upload.key, { body: new Uint8Array(Buffer.concat(parts)), ...upload.head });
      uploads.delete(uploadId);
      return xml(
        `<CompleteMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key}</Key><ETag>"done"</ETag></CompleteMultipartUploadResult>`,
      );
    }
    if (request.method === "DELETE") {
      log(uploadId ? "AbortMultipartUpload" : "DeleteObject");
      if (uploadId) uploads.delete(uploadId);
      else objects.delete(id);
      return new HttpResponse(null, { status: 204 });
    }
    if (request.method === "GET") {
      log("GetObject");
      const object = objects.get(id);
      if (!object) return xml("<Error><Code>NoSuchKey</Code></Error>", 404);
      return new HttpResponse(object.body, {
        headers: { "Content-Type": object.contentType ?? "binary/octet-stream" },
      });
    }
    return xml("<Error><Code>NotImplemented</Code></Error>", 501);
  });

  return { handler, objects, uploads, requests };
}

function xml(body: string, status = 200) {
  return new HttpResponse(`<?xml version="1.0" encoding="UTF-8"?>${body}`, {
    status,
    headers: { "Content-Type": "application/xml" },
  });
}
