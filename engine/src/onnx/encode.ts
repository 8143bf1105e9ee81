// Encodes the OnnxModel types of schema.ts into protobuf bytes.
// Field numbers follow onnx/onnx.proto (ONNX 1.20); each writer names its message.

import { ProtoWriter } from './protobuf';
import { AttributeType, type OnnxAttributeValue, type OnnxGraph, type OnnxModel, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from './schema';

/** StringStringEntryProto: key = 1, value = 2. */
function encodeStringEntry(key: string, value: string): ProtoWriter {
  const w = new ProtoWriter();
  w.stringField(1, key);
  w.stringField(2, value);
  return w;
}

/**
 * TensorProto: dims = 1 (packed int64), data_type = 2, name = 8, raw_data = 9,
 * external_data = 13 (StringStringEntryProto), data_location = 14 (DEFAULT 0, EXTERNAL 1).
 */
export function encodeTensor(tensor: OnnxTensor): ProtoWriter {
  const w = new ProtoWriter();
  if (tensor.dims.length > 0) w.packedInts(1, tensor.dims);
  w.intField(2, tensor.dataType);
  w.stringField(8, tensor.name);
  if (tensor.external) {
    w.messageField(13, encodeStringEntry('location', tensor.external.location));
    w.messageField(13, encodeStringEntry('offset', String(tensor.external.offset)));
    w.messageField(13, encodeStringEntry('length', String(tensor.external.length)));
    w.intField(14, 1);
  } else {
    w.bytesField(9, tensor.rawData ?? new Uint8Array(0));
  }
  return w;
}

/**
 * ValueInfoProto: name = 1, type = 2. TypeProto: tensor_type = 1. TypeProto.Tensor: elem_type = 1, shape = 2.
 * TensorShapeProto: dim = 1. Dimension: dim_value = 1, dim_param = 2 (an empty Dimension means unknown).
 */
function encodeValueInfo(info: OnnxValueInfo): ProtoWriter {
  const tensorType = new ProtoWriter();
  tensorType.intField(1, info.elemType);
  if (info.shape) {
    const shape = new ProtoWriter();
    for (const dim of info.shape) {
      const d = new ProtoWriter();
      if (typeof dim === 'number') d.intField(1, dim);
      else if (typeof dim === 'string') d.stringField(2, dim);
      shape.messageField(1, d);
    }
    tensorType.messageField(2, shape);
  }
  const type = new ProtoWriter();
  type.messageField(1, tensorType);
  const w = new ProtoWriter();
  w.stringField(1, info.name);
  w.messageField(2, type);
  return w;
}

/**
 * AttributeProto: name = 1, f = 2, i = 3, s = 4, t = 5, g = 6, floats = 7, ints = 8, strings = 9, type = 20.
 */
function encodeAttribute(name: string, attribute: OnnxAttributeValue): ProtoWriter {
  const w = new ProtoWriter();
  w.stringField(1, name);
  switch (attribute.type) {
    case AttributeType.FLOAT:
      w.floatField(2, attribute.value);
      break;
    case AttributeType.INT:
      w.intField(3, attribute.value);
      break;
    case AttributeType.STRING:
      w.stringField(4, attribute.value);
      break;
    case AttributeType.TENSOR:
      w.messageField(5, encodeTensor(attribute.value));
      break;
    case AttributeType.GRAPH:
      w.messageField(6, encodeGraph(attribute.value));
      break;
    case AttributeType.FLOATS:
      w.packedFloats(7, attribute.value);
      break;
    case AttributeType.INTS:
      w.packedInts(8, attribute.value);
      break;
    case AttributeType.STRINGS:
      for (const s of attribute.value) w.stringField(9, s);
      break;
  }
  w.intField(20, attribute.type);
  return w;
}

/** NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5, domain = 7. */
function encodeNode(node: OnnxNode): ProtoWriter {
  const w = new ProtoWriter();
  for (const input of node.inputs) w.stringField(1, input);
  for (const output of node.outputs) w.stringField(2, output);
  if (node.name) w.stringField(3, node.name);
  w.stringField(4, node.opType);
  for (const [name, value] of Object.entries(node.attributes ?? {})) w.messageField(5, encodeAttribute(name, value));
  if (node.domain) w.stringField(7, node.domain);
  return w;
}

/** GraphProto: node = 1, name = 2, initializer = 5, input = 11, output = 12, value_info = 13. */
export function encodeGraph(graph: OnnxGraph): ProtoWriter {
  const w = new ProtoWriter();
  for (const node of graph.nodes) w.messageField(1, encodeNode(node));
  w.stringField(2, graph.name);
  for (const tensor of graph.initializers) w.messageField(5, encodeTensor(tensor));
  for (const input of graph.inputs) w.messageField(11, encodeValueInfo(input));
  for (const output of graph.outputs) w.messageField(12, encodeValueInfo(output));
  for (const info of graph.valueInfo ?? []) w.messageField(13, encodeValueInfo(info));
  return w;
}

/**
 * ModelProto: ir_version = 1, producer_name = 2, producer_version = 3, graph = 7, opset_import = 8,
 * metadata_props = 14. OperatorSetIdProto: domain = 1, version = 2.
 */
export function encodeModel(model: OnnxModel): Uint8Array {
  const w = new ProtoWriter();
  w.intField(1, model.irVersion);
  if (model.producerName) w.stringField(2, model.producerName);
  if (model.producerVersion) w.stringField(3, model.producerVersion);
  w.messageField(7, encodeGraph(model.graph));
  for (const opset of model.opsets) {
    const o = new ProtoWriter();
    o.stringField(1, opset.domain);
    o.intField(2, opset.version);
    w.messageField(8, o);
  }
  for (const [key, value] of Object.entries(model.metadata ?? {})) w.messageField(14, encodeStringEntry(key, value));
  return w.finish();
}
