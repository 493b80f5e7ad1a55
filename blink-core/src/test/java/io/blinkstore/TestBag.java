package io.blinkstore;

import java.util.ArrayList;
import java.util.List;

/**
 * A typed value for the tests of the store's typed-value machinery: a bag of elements, with no semantics of its own
 * beyond what {@link TypedValue} asks, so those tests do not depend on any real type.
 */
final class TestBag extends TypedValue {
  static final int HEAP_PER_ELEMENT = 40;

  final List<byte[]> elements = new ArrayList<>();
  private long bytes;

  TestBag(byte[] key) {
    super(key);
  }

  /** A write adding {@code element}; answers the bag's size after it. */
  static TypedWrite<TestBag, Long> add(byte[] element) {
    return new TypedWrite<>(TestBag.class, TestBag::new, element.length, 1, bag -> {
      bag.elements.add(element.clone());
      bag.bytes += element.length;
      return (long) bag.elements.size();
    }, 0L, size -> true);
  }

  /** A write removing the first element, if any, creating nothing; answers whether it removed one. */
  static TypedWrite<TestBag, Boolean> removeFirst() {
    return new TypedWrite<>(TestBag.class, null, 0, 0, bag -> {
      bag.bytes -= bag.elements.remove(0).length;
      return true;
    }, false, removed -> removed);
  }

  @Override
  String type() {
    return "bag";
  }

  @Override
  String encoding() {
    return "testbag";
  }

  @Override
  long bytes() {
    return bytes;
  }

  @Override
  long elements() {
    return elements.size();
  }

  @Override
  int heapPerElement() {
    return HEAP_PER_ELEMENT;
  }

  @Override
  TypedValue copy(byte[] otherKey) {
    TestBag copy = new TestBag(otherKey);
    elements.forEach(element -> copy.elements.add(element.clone()));
    copy.bytes = bytes;
    return copy;
  }
}
