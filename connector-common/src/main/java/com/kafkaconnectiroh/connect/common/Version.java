package com.kafkaconnectiroh.connect.common;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The plugin version, from the build (what the Connect REST API shows for both connectors). */
public final class Version {
    private static final String VERSION = load();

    private Version() {
    }

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("/kafka-connect-iroh-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
