package com.kafkaconnectiroh.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The log4j2 configuration of the Kafka processes: INFO to stdout (which goes to the process's log file). */
final class Log4j {
    private Log4j() {
    }

    static Path write(Path file) throws IOException {
        Files.writeString(file, String.join("\n",
                "status = warn",
                "appender.out.type = Console",
                "appender.out.name = out",
                "appender.out.layout.type = PatternLayout",
                "appender.out.layout.pattern = [%d] %p %X{connector.context}%m (%c{1})%n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.out.ref = out",
                // Kafka's own chatty loggers, at the levels of its shipped connect-log4j2.yaml
                "logger.reflections.name = org.reflections",
                "logger.reflections.level = ERROR",
                "logger.clients.name = org.apache.kafka.clients",
                "logger.clients.level = WARN",
                "logger.iroh.name = com.kafkaconnectiroh",
                "logger.iroh.level = INFO",
                ""));
        return file;
    }
}
