import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import com.sun.net.httpserver.spi.HttpServerProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Binds the JDK's HTTP servers to one address instead of every interface.
 *
 * <p>StanfordCoreNLPServer has no option for its bind address and listens on all interfaces.
 * Named by the system property {@code com.sun.net.httpserver.HttpServerProvider}, this provider
 * rewrites a wildcard address to {@code -Dner.bind=HOST} (default: the loopback address) and
 * leaves the rest to the JDK's own provider.
 */
public final class LoopbackHttpServerProvider extends HttpServerProvider {
  private final HttpServerProvider jdk = new sun.net.httpserver.DefaultHttpServerProvider();

  private static InetSocketAddress bound(InetSocketAddress address) throws IOException {
    if (address == null || !address.getAddress().isAnyLocalAddress()) {
      return address;
    }
    String host = System.getProperty("ner.bind");
    InetAddress bind = host == null ? InetAddress.getLoopbackAddress() : InetAddress.getByName(host);
    return new InetSocketAddress(bind, address.getPort());
  }

  @Override
  public HttpServer createHttpServer(InetSocketAddress address, int backlog) throws IOException {
    return jdk.createHttpServer(bound(address), backlog);
  }

  @Override
  public HttpsServer createHttpsServer(InetSocketAddress address, int backlog) throws IOException {
    return jdk.createHttpsServer(bound(address), backlog);
  }
}
