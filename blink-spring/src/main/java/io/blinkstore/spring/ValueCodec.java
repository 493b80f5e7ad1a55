package io.blinkstore.spring;

import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.core.serializer.DefaultDeserializer;
import org.springframework.core.serializer.DefaultSerializer;
import org.springframework.core.serializer.support.DeserializingConverter;
import org.springframework.core.serializer.support.SerializingConverter;

/**
 * Turns a cached value into the bytes a {@link io.blinkstore.BlinkStore} holds, and back. A cache stores a null
 * value (where it allows them) as no bytes at all, so a codec never sees {@code null} and must never encode a value
 * as an empty array.
 *
 * <p>Every process that shares a store must use the same codec for the same cache. Implementations must be
 * thread-safe.
 */
public interface ValueCodec {

  /**
   * Returns the bytes of {@code value}, never an empty array.
   *
   * @throws RuntimeException if the value cannot be encoded (with Java serialization: it is not
   *     {@link java.io.Serializable})
   */
  byte[] encode(Object value);

  /**
   * Returns the value of bytes {@link #encode} made.
   *
   * @throws RuntimeException if the bytes are not such a value
   */
  Object decode(byte[] bytes);

  /**
   * Java serialization, as Spring Data Redis's default: any {@link java.io.Serializable} value, its classes
   * resolved with {@code classLoader} ({@code null}: the default loader).
   *
   * <p>Deserialization runs code chosen by whoever wrote the bytes: use it only on a store that only trusted
   * processes can write (the sidecar's Unix socket with its file mode, or its auth token), or pass a codec of a
   * data format instead (JSON with Jackson, for example).
   */
  static ValueCodec serialization(@Nullable ClassLoader classLoader) {
    SerializingConverter serializer = new SerializingConverter(new DefaultSerializer());
    DeserializingConverter deserializer = new DeserializingConverter(new DefaultDeserializer(classLoader));
    return new ValueCodec() {
      @Override
      public byte[] encode(Object value) {
        return serializer.convert(Objects.requireNonNull(value, "value"));
      }

      @Override
      public Object decode(byte[] bytes) {
        return deserializer.convert(bytes);
      }

      @Override
      public String toString() {
        return "ValueCodec.serialization()";
      }
    };
  }
}
