package io.storageprobe.agent.kube;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/** The TLS side of an API connection: the cluster CA to trust, and the client certificate if any. */
final class TlsContext {
    private static final char[] NO_PASSWORD = new char[0];

    private TlsContext() {}

    /**
     * @param caPem     the cluster CA(s), PEM; null trusts the JDK's default CAs
     * @param certPem   the client certificate chain, PEM, or null
     * @param keyPem    its private key, PEM, or null
     */
    static SSLContext of(byte[] caPem, byte[] certPem, byte[] keyPem) {
        try {
            TrustManager[] trust = null;
            if (caPem != null) {
                KeyStore cas = emptyStore();
                List<Certificate> certs = Pem.certificates(caPem, "the cluster CA");
                for (int i = 0; i < certs.size(); i++) {
                    cas.setCertificateEntry("ca-" + i, certs.get(i));
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(cas);
                trust = tmf.getTrustManagers();
            }
            return context(trust, certPem, keyPem);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage());
        }
    }

    /** Trusts any server certificate, for test servers only (KUBERNETES_TRUST_CERTIFICATES=true). */
    static SSLContext trustingAnyServer(byte[] certPem, byte[] keyPem) {
        try {
            return context(new TrustManager[] {new TrustAll()}, certPem, keyPem);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage());
        }
    }

    private static SSLContext context(TrustManager[] trust, byte[] certPem, byte[] keyPem)
            throws GeneralSecurityException {
        javax.net.ssl.KeyManager[] keys = null;
        if (certPem != null || keyPem != null) {
            if (certPem == null || keyPem == null) {
                throw new IllegalArgumentException("a client certificate needs both the certificate and its key");
            }
            List<Certificate> chain = Pem.certificates(certPem, "the client certificate");
            PrivateKey key = Pem.privateKey(keyPem, "the client key");
            KeyStore store = emptyStore();
            store.setKeyEntry("client", key, NO_PASSWORD, chain.toArray(new Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, NO_PASSWORD);
            keys = kmf.getKeyManagers();
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys, trust, null);
        return context;
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException(e);
        }
        return store;
    }

    /** Extended, so that the JDK does not add its own host name check on top. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
