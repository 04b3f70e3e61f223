package com.kafkaconnectiroh.connect.it;

import com.sun.tools.attach.VirtualMachine;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Reads a worker's MBeans as an operator's JMX console would: attaches to the worker process (the JDK's local
 * management agent) and collects every numeric attribute of MBeans whose name mentions {@code connector}.
 */
final class WorkerJmx {
    private WorkerJmx() {
    }

    /** attribute name → value, for MBeans of {@code connector} that have attribute {@code marker}. */
    static Map<String, Double> connectorMetrics(long pid, String connector, String marker) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
        try {
            String url = vm.startLocalManagementAgent();
            try (JMXConnector c = JMXConnectorFactory.connect(new JMXServiceURL(url))) {
                MBeanServerConnection mbs = c.getMBeanServerConnection();
                Map<String, Double> out = new HashMap<>();
                Set<ObjectName> names = mbs.queryNames(null, null);
                for (ObjectName n : names) {
                    if (!n.toString().contains(connector)) {
                        continue;
                    }
                    MBeanAttributeInfo[] attrs = mbs.getMBeanInfo(n).getAttributes();
                    boolean has = false;
                    for (MBeanAttributeInfo a : attrs) {
                        has |= a.getName().equals(marker);
                    }
                    if (!has) {
                        continue;
                    }
                    for (MBeanAttributeInfo a : attrs) {
                        Object v = mbs.getAttribute(n, a.getName());
                        if (v instanceof Number num) {
                            out.put(a.getName(), num.doubleValue());
                        }
                    }
                    out.put("objectName:" + n, 0.0);
                }
                return out;
            }
        } finally {
            vm.detach();
        }
    }
}
