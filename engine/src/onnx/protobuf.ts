// A minimal protobuf wire-format writer: varints, length-delimited fields and packed repeated scalars.
// Enough to encode onnx.proto messages without a generated runtime (the popular onnx-proto package ships an old schema).

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

/** Growable byte sink; nested messages are written to their own writer and then embedded with a length prefix. */
export class ProtoWriter {
  private buffer = new Uint8Array(256);
  private length = 0;

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < this.length + extra) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }

  private byte(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  /** Unsigned or two's-complement varint; negative int64 values take ten bytes as protobuf requires. */
  varint(value: number | bigint): void {
    let big = BigInt.asUintN(64, BigInt(value));
    while (big >= 0x80n) {
      this.byte(Number(big & 0x7fn) | 0x80);
      big >>= 7n;
    }
    this.byte(Number(big));
  }

  private smallVarint(value: number): void {
    // Fast path for tags and lengths (non-negative, below 2^53).
    while (value >= 0x80) {
      this.byte((value % 0x80) | 0x80);
      value = Math.floor(value / 0x80);
    }
    this.byte(value);
  }

  private tag(field: number, wire: number): void {
    this.smallVarint(field * 8 + wire);
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }

  intField(field: number, value: number | bigint): void {
    this.tag(field, WIRE_VARINT);
    this.varint(value);
  }

  floatField(field: number, value: number): void {
    this.tag(field, WIRE_FIXED32);
    const scratch = new DataView(new ArrayBuffer(4));
    scratch.setFloat32(0, value, true);
    this.bytes(new Uint8Array(scratch.buffer));
  }

  doubleField(field: number, value: number): void {
    this.tag(field, WIRE_FIXED64);
    const scratch = new DataView(new ArrayBuffer(8));
    scratch.setFloat64(0, value, true);
    this.bytes(new Uint8Array(scratch.buffer));
  }

  bytesField(field: number, data: Uint8Array): void {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.smallVarint(data.length);
    this.bytes(data);
  }

  stringField(field: number, value: string): void {
    this.bytesField(field, new TextEncoder().encode(value));
  }

  messageField(field: number, message: ProtoWriter): void {
    this.bytesField(field, message.finish());
  }

  packedInts(field: number, values: readonly (number | bigint)[]): void {
    const inner = new ProtoWriter();
    for (const value of values) inner.varint(value);
    this.messageField(field, inner);
  }

  packedFloats(field: number, values: readonly number[]): void {
    const data = new Float32Array(values);
    this.bytesField(field, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }

  finish(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }
}
