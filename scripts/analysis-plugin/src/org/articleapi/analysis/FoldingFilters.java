package org.articleapi.analysis;

import java.util.List;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.de.GermanNormalizationFilter;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.util.ElisionFilter;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;
import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.BooleanSetting;
import org.elasticsearch.plugin.settings.ListSetting;

/** Token filters that fold spellings together, under the names of the built-in ones. */
public final class FoldingFilters {
    private FoldingFilters() {}

    /** `asciifolding`: accents and ligatures to ASCII ("é" to "e", "ß" to "ss"). */
    @NamedComponent("asciifolding")
    public static final class AsciiFolding implements TokenFilterFactory {
        private final boolean preserveOriginal;

        @AnalysisSettings
        public interface Settings {
            @BooleanSetting(path = "preserve_original", defaultValue = false)
            boolean preserveOriginal();
        }

        @Inject
        public AsciiFolding(Settings settings) {
            this.preserveOriginal = settings.preserveOriginal();
        }

        @Override
        public TokenStream create(TokenStream input) {
            return new ASCIIFoldingFilter(input, preserveOriginal);
        }

        @Override
        public TokenStream normalize(TokenStream input) {
            return create(input);
        }
    }

    /** `german_normalization`: umlauts and "ß" the way German spellings vary. */
    @NamedComponent("german_normalization")
    public static final class GermanNormalization implements TokenFilterFactory {
        @Override
        public TokenStream create(TokenStream input) {
            return new GermanNormalizationFilter(input);
        }

        @Override
        public TokenStream normalize(TokenStream input) {
            return create(input);
        }
    }

    /** `elision`: "l'accord" to "accord"; French articles unless `articles` names others. */
    @NamedComponent("elision")
    public static final class Elision implements TokenFilterFactory {
        private final CharArraySet articles;

        @AnalysisSettings
        public interface Settings {
            @ListSetting(path = "articles")
            List<String> articles();

            @BooleanSetting(path = "articles_case", defaultValue = false)
            boolean articlesCase();
        }

        @Inject
        public Elision(Settings settings) {
            List<String> named = settings.articles();
            this.articles = named == null || named.isEmpty()
                ? FrenchAnalyzer.DEFAULT_ARTICLES
                : new CharArraySet(named, settings.articlesCase() == false);
        }

        @Override
        public TokenStream create(TokenStream input) {
            return new ElisionFilter(input, articles);
        }
    }
}
