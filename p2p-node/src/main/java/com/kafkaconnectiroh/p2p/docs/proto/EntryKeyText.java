package com.kafkaconnectiroh.p2p.docs.proto;

import com.kafkaconnectiroh.p2p.base.Hex;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Entry keys (and contents) for people: keys are arbitrary bytes, so text is shown only when the bytes are valid
 * UTF-8 without control characters, and anything else as {@code <key HEX>} (the form {@code p2p-node doc list}
 * prints; a text key that itself starts with {@code <key } is shown as hex too, so the two forms never collide).
 */
public final class EntryKeyText {
    private EntryKeyText() {
    }

    /** The key as printable text, or {@code <key HEX>}. */
    public static String display(byte[] key) {
        Optional<String> s = utf8(key);
        if (s.isPresent() && s.get().chars().noneMatch(c -> c < 0x20 || c == 0x7F) && !s.get().startsWith("<key ")) {
            return s.get();
        }
        return "<key " + Hex.encode(key) + ">";
    }

    /** The bytes as strictly decoded UTF-8, or empty when they are not valid UTF-8. */
    public static Optional<String> utf8(byte[] b) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
