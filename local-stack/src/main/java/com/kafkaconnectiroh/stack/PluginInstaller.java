package com.kafkaconnectiroh.stack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** Unpacks a plugin zip into a {@code plugin.path} directory, as a user (or confluent-hub) would. */
public final class PluginInstaller {
    private PluginInstaller() {
    }

    /** Returns the plugin's top-level directory inside {@code pluginPath}. */
    public static Path install(Path zip, Path pluginPath) throws IOException {
        if (!Files.isRegularFile(zip)) {
            throw new IOException("plugin zip " + zip + " not found (run: mvn -q -B -DskipTests package)");
        }
        Files.createDirectories(pluginPath);
        Path root = pluginPath.toAbsolutePath().normalize();
        Path top = null;
        try (InputStream in = Files.newInputStream(zip); ZipInputStream z = new ZipInputStream(in)) {
            for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
                Path target = root.resolve(e.getName()).normalize();
                if (!target.startsWith(root)) {
                    throw new IOException("zip entry " + e.getName() + " leaves the plugin path");
                }
                if (top == null) {
                    top = root.resolve(root.relativize(target).getName(0));
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(z, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        if (top == null) {
            throw new IOException("plugin zip " + zip + " is empty");
        }
        return top;
    }
}
