package codelab.platform.memory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * How an embedding is kept: scaled to length 1, so that a dot product is the cosine whatever the
 * provider's own scaling, and written as little-endian float32s (OpenAI's own byte form).
 */
final class StoredVector {

  private StoredVector() {}

  /** A copy of length 1; the zero vector stays zero (it is similar to nothing). */
  static float[] normalized(float[] vector) {
    double length = 0;
    for (float v : vector) length += (double) v * v;
    float[] unit = vector.clone();
    if (length == 0) return unit;
    float scale = (float) (1 / Math.sqrt(length));
    for (int i = 0; i < unit.length; i++) unit[i] *= scale;
    return unit;
  }

  static byte[] bytes(float[] vector) {
    ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(vector);
    return bytes.array();
  }

  static float[] floats(byte[] bytes) {
    FloatBuffer floats = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    float[] vector = new float[floats.remaining()];
    floats.get(vector);
    return vector;
  }
}
