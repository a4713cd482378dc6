package dev.txlab.checker;

/**
 * A checker's verdict. {@code UNKNOWN} means the checker gave up (a time budget ran out, or the
 * history says too little), never that it guessed.
 */
public enum Validity {
  VALID,
  INVALID,
  UNKNOWN;

  /** The command's exit status for this verdict: 0 valid, 1 invalid, 3 unknown. */
  public int exitStatus() {
    switch (this) {
      case VALID:
        return 0;
      case INVALID:
        return 1;
      default:
        return 3;
    }
  }

  /** The worse of two verdicts: invalid over unknown over valid. */
  public Validity worse(Validity other) {
    if (this == INVALID || other == INVALID) {
      return INVALID;
    }
    if (this == UNKNOWN || other == UNKNOWN) {
      return UNKNOWN;
    }
    return VALID;
  }

  /** As JSON prints it: {@code true}, {@code false} or {@code "unknown"}. */
  public Object json() {
    switch (this) {
      case VALID:
        return Boolean.TRUE;
      case INVALID:
        return Boolean.FALSE;
      default:
        return "unknown";
    }
  }
}
