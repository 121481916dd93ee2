import { createServer, type Server } from "node:http";
import net, { type AddressInfo } from "node:net";
import { crc32 } from "node:zlib";
import { gradientPng } from "@streamline/fakes/providers";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { fitReferenceImage, loadReferenceImage, type ReferenceImageError } from "./reference-image";
import { isPublicAddress } from "./reference-image-download";

const png = gradientPng(40, 30);

/** A PNG whose header claims any size: what a decompression bomb looks like before decoding. */
function pngClaiming(width: number, height: number): Uint8Array {
  const bytes = Buffer.from(gradientPng(1, 1));
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  bytes.writeUInt32BE(crc32(bytes.subarray(12, 29)), 29);
  return new Uint8Array(bytes);
}

async function refusal(promise: Promise<unknown>): Promise<ReferenceImageError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error, "expected a refusal").toMatchObject({ name: "ReferenceImageError" });
  return error as ReferenceImageError;
}

// Loopback test servers only; nothing in this file talks to any other address.
async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const requests: string[] = [];
let origin = "";
let otherOrigin = "";
let otherConnections = 0;
const imageServer = createServer((request, response) => {
  const url = new URL(request.url ?? "/", origin);
  requests.push(url.pathname);
  const route = url.pathname;
  if (route === "/photo.jpg") {
    // A PNG uploaded under a .jpg name and served as JPEG: the bytes decide.
    response.writeHead(200, { "content-type": "image/jpeg" }).end(png);
  } else if (route === "/redirect") {
    response.writeHead(302, { location: url.searchParams.get("to") ?? "/" }).end();
  } else if (route === "/loop") {
    response.writeHead(301, { location: "/loop" }).end();
  } else if (route === "/endless") {
    // No content-length and no end: only a client-side byte limit stops this.
    response.writeHead(200, { "content-type": "image/png" });
    const pump = () => {
      while (!response.destroyed && response.write(Buffer.alloc(64 * 1024))) {}
    };
    response.on("drain", pump);
    pump();
  } else if (route === "/declared-huge") {
    response.writeHead(200, { "content-length": String(50 * 1024 * 1024) });
    response.write(png);
  } else if (route === "/hang") {
    // Never answers.
  } else if (route === "/drip") {
    response.writeHead(200);
    const timer = setInterval(() => response.write(Buffer.from([0])), 50);
    response.on("close", () => clearInterval(timer));
  } else {
    response.writeHead(404).end();
  }
});
const otherServer = createServer((_request, response) => response.end(png));
otherServer.on("connection", () => otherConnections++);

beforeAll(async () => {
  origin = await listen(imageServer);
  otherOrigin = await listen(otherServer);
});
afterAll(() => {
  imageServer.closeAllConnections();
  imageServer.close();
  otherServer.close();
});
afterEach(() => {
  vi.restoreAllMocks();
  requests.length = 0;
});

/** Only the first test server is treated as "public"; everything else must be refused. */
const fromTestServer = (path: string, limits = {}) =>
  loadReferenceImage({ url: `${origin}${path}` }, limits, { allowPrivateOrigins: [origin] });

describe("reference image from uploaded bytes", () => {
  it("returns the real type and dimensions", async () => {
    const image = await loadReferenceImage({ bytes: png, filename: "me.png" });
    expect(image).toEqual({ data: png, mimeType: "image/png", width: 40, height: 30 });
  });

  it("trusts the bytes over the name and declared type: a PNG renamed .jpg is a PNG", async () => {
    const image = await loadReferenceImage({
      bytes: png,
      filename: "holiday.jpg",
      declaredType: "image/jpeg",
    });
    expect(image.mimeType).toBe("image/png");
  });

  it("accepts JPEG and WebP", async () => {
    const jpeg = await sharp(png).jpeg().toBuffer();
    const webp = await sharp(png).webp().toBuffer();
    expect((await loadReferenceImage({ bytes: jpeg })).mimeType).toBe("image/jpeg");
    expect(await loadReferenceImage({ bytes: webp, declaredType: "image/png" })).toMatchObject({
      mimeType: "image/webp",
      width: 40,
      height: 30,
    });
  });

  it("refuses non-images and unsupported image types, whatever they claim to be", async () => {
    const pdf = new TextEncoder().encode("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n");
    const text = new TextEncoder().encode("definitely a photo");
    const gif = await sharp(png).gif().toBuffer();
    for (const bytes of [pdf, text, gif, new Uint8Array()]) {
      const error = await refusal(loadReferenceImage({ bytes, declaredType: "image/png" }));
      expect(error.code).toBe("UNSUPPORTED_TYPE");
      expect(error.field).toBe("referenceImage");
    }
    expect((await refusal(loadReferenceImage({ bytes: pdf }))).message).toMatch(
      /PNG, JPEG or WebP \(this file is PDF\)/,
    );
  });

  it("refuses images that are too large, too small, too wide or claim absurd pixel counts", async () => {
    expect((await refusal(loadReferenceImage({ bytes: png }, { maxBytes: 100 }))).code).toBe(
      "TOO_LARGE",
    );
    const tiny = gradientPng(8, 8);
    expect((await refusal(loadReferenceImage({ bytes: tiny }))).code).toBe("BAD_DIMENSIONS");
    const wide = pngClaiming(13_000, 20);
    expect((await refusal(loadReferenceImage({ bytes: wide }))).message).toMatch(/13000×20/);
    // 100 000² pixels declared in a 70-byte file: refused from the header, nothing decoded.
    const bomb = pngClaiming(100_000, 100_000);
    expect(bomb.length).toBeLessThan(100);
    expect((await refusal(loadReferenceImage({ bytes: bomb }))).message).toMatch(/too many pixels/);
  });

  it("refuses a damaged or truncated file even though its header is valid", async () => {
    const photo = gradientPng(400, 300);
    const truncated = photo.subarray(0, Math.floor(photo.length / 2));
    const garbage = Buffer.concat([Buffer.from(photo.subarray(0, 8)), Buffer.alloc(64, 7)]);
    expect((await refusal(loadReferenceImage({ bytes: truncated }))).code).toBe("INVALID_IMAGE");
    expect(["INVALID_IMAGE", "UNSUPPORTED_TYPE"]).toContain(
      (await refusal(loadReferenceImage({ bytes: garbage }))).code,
    );
  });

  it("bakes an EXIF rotation into the pixels so the reported size is what providers see", async () => {
    const sideways = await sharp(gradientPng(40, 20))
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const image = await loadReferenceImage({ bytes: sideways });
    expect(image).toMatchObject({ mimeType: "image/jpeg", width: 20, height: 40 });
    expect((await sharp(image.data).metadata()).orientation ?? 1).toBe(1);
  });

  it("fits an image to exact pixels, same type", async () => {
    const image = await loadReferenceImage({ bytes: gradientPng(400, 300) });
    const fitted = await fitReferenceImage(image, 128, 224);
    expect(fitted).toMatchObject({ mimeType: "image/png", width: 128, height: 224 });
    expect(await sharp(fitted.data).metadata()).toMatchObject({
      format: "png",
      width: 128,
      height: 224,
    });
    const jpeg = await loadReferenceImage({ bytes: await sharp(png).jpeg().toBuffer() });
    expect((await fitReferenceImage(jpeg, 64, 64)).mimeType).toBe("image/jpeg");
  });
});

describe("reference image from a URL", () => {
  it("downloads, then checks the bytes rather than the served content type", async () => {
    // The same spy the refusal tests use, shown here to see real connections.
    const connect = vi.spyOn(net.Socket.prototype, "connect");
    const image = await fromTestServer("/photo.jpg");
    expect(image).toMatchObject({ mimeType: "image/png", width: 40, height: 30 });
    expect(connect).toHaveBeenCalled();
  });

  it("follows a redirect within allowed destinations, and not forever", async () => {
    expect((await fromTestServer("/redirect?to=/photo.jpg")).width).toBe(40);
    const loop = await refusal(fromTestServer("/loop"));
    expect(loop.code).toBe("FETCH_FAILED");
    expect(requests.filter((path) => path === "/loop")).toHaveLength(4); // 1 + maxRedirects
  });

  it.each([
    "http://127.0.0.1/",
    "http://localhost/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://[fe80::1]/",
    "http://[fc00::1]/",
    "http://[fd12:3456::1]/",
    "http://[::]/",
    "http://[64:ff9b::a00:5]/",
    "http://10.0.0.5/photo.png",
    "http://172.16.4.2/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",
    "http://0.0.0.0/",
    "http://224.0.0.1/",
    "http://2130706433/", // 127.0.0.1 as a decimal number
    "http://0x7f.1/",
    "file:///etc/passwd",
    "ftp://example.com/photo.png",
    "data:image/png;base64,iVBORw0KGgo=",
    "http://user:pass@example.com/photo.png",
    "not a url",
  ])("refuses %s before connecting", async (url) => {
    const connect = vi.spyOn(net.Socket.prototype, "connect");
    const error = await refusal(loadReferenceImage({ url }));
    expect(error.code).toBe("BLOCKED_URL");
    expect(connect).not.toHaveBeenCalled();
  });

  it("refuses a hostname whose DNS answer is private, checked after resolution", async () => {
    const connect = vi.spyOn(net.Socket.prototype, "connect");
    const answers: Record<string, string[]> = {
      "images.example.test": ["10.1.2.3"],
      "mixed.example.test": ["93.184.215.14", "192.168.0.9"],
      "v6.example.test": ["fd00::7"],
      "metadata.example.test": ["169.254.169.254"],
    };
    const lookup = vi.fn(async (host: string) =>
      (answers[host] ?? []).map((address) => ({ address, family: net.isIP(address) })),
    );
    for (const host of Object.keys(answers)) {
      const error = await refusal(
        loadReferenceImage({ url: `https://${host}/a.png` }, {}, { lookup }),
      );
      expect(error.code, host).toBe("BLOCKED_URL");
    }
    expect(lookup).toHaveBeenCalledTimes(4);
    expect(connect).not.toHaveBeenCalled();
  });

  it("blocks the local test server itself unless it is explicitly allowed", async () => {
    const error = await refusal(loadReferenceImage({ url: `${origin}/photo.jpg` }));
    expect(error.code).toBe("BLOCKED_URL");
    expect(requests).toEqual([]);
  });

  it.each([
    ["another loopback port", () => `${otherOrigin}/photo.png`],
    ["localhost", () => `http://localhost:${new URL(otherOrigin).port}/photo.png`],
    ["cloud metadata", () => "http://169.254.169.254/latest/meta-data/iam/"],
    ["IPv4-mapped loopback", () => `http://[::ffff:7f00:1]:${new URL(otherOrigin).port}/`],
    ["a file URL", () => "file:///etc/passwd"],
  ])("re-checks every redirect hop: refuses a redirect to %s", async (_name, target) => {
    otherConnections = 0;
    const to = encodeURIComponent(target());
    const error = await refusal(fromTestServer(`/redirect?to=${to}`));
    expect(error.code).toBe("BLOCKED_URL");
    expect(otherConnections).toBe(0);
  });

  it("stops reading once the byte limit is passed, whatever the server declares", async () => {
    const endless = await refusal(
      fromTestServer("/endless", { maxBytes: 1024 * 1024, timeoutMs: 5000 }),
    );
    expect(endless.code).toBe("TOO_LARGE");
    const declared = await refusal(fromTestServer("/declared-huge"));
    expect(declared.code).toBe("TOO_LARGE");
  });

  it("gives up on a server that never answers or never finishes", async () => {
    const started = Date.now();
    expect((await refusal(fromTestServer("/hang", { timeoutMs: 300 }))).code).toBe("TIMEOUT");
    expect((await refusal(fromTestServer("/drip", { timeoutMs: 300 }))).code).toBe("TIMEOUT");
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("reports HTTP errors and unknown hosts as failed downloads", async () => {
    expect((await refusal(fromTestServer("/missing.png"))).code).toBe("FETCH_FAILED");
    const lookup = async () => {
      throw Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" });
    };
    const error = await refusal(
      loadReferenceImage({ url: "https://nowhere.test/a.png" }, {}, { lookup }),
    );
    expect(error).toMatchObject({
      code: "FETCH_FAILED",
      message: expect.stringMatching(/nowhere\.test/),
    });
  });
});

describe("isPublicAddress", () => {
  it("allows public unicast only", () => {
    for (const address of ["8.8.8.8", "93.184.215.14", "2606:4700:4700::1111", "2a00:1450::1"]) {
      expect(isPublicAddress(address), address).toBe(true);
    }
    for (const address of [
      "127.0.0.1",
      "10.255.0.1",
      "172.31.255.255",
      "192.168.10.10",
      "169.254.169.254",
      "100.127.0.1",
      "0.0.0.0",
      "255.255.255.255",
      "239.1.1.1",
      "::1",
      "::",
      "fe80::1",
      "fc00::1",
      "ff02::1",
      "::ffff:127.0.0.1",
      "::ffff:8.8.8.8",
      "2001:db8::1",
      "2002:7f00:1::1",
      "localhost",
      "",
    ]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
  });
});
