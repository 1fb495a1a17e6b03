package org.articleapi.analysis;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.de.GermanAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.es.SpanishAnalyzer;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.AnalyzerFactory;

/**
 * Lucene's language analyzers under the names of Elasticsearch's built-in ones, with their
 * default stop words and stemmers: what the built-in `english`, `german`, `french` and `spanish`
 * analyzers are on a full distribution.
 */
public final class LanguageAnalyzers {
    private LanguageAnalyzers() {}

    @NamedComponent("english")
    public static final class English implements AnalyzerFactory {
        @Override
        public Analyzer create() {
            return new EnglishAnalyzer();
        }
    }

    @NamedComponent("german")
    public static final class German implements AnalyzerFactory {
        @Override
        public Analyzer create() {
            return new GermanAnalyzer();
        }
    }

    @NamedComponent("french")
    public static final class French implements AnalyzerFactory {
        @Override
        public Analyzer create() {
            return new FrenchAnalyzer();
        }
    }

    @NamedComponent("spanish")
    public static final class Spanish implements AnalyzerFactory {
        @Override
        public Analyzer create() {
            return new SpanishAnalyzer();
        }
    }
}
