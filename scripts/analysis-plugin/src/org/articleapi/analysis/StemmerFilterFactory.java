package org.articleapi.analysis;

import java.util.Locale;
import java.util.Set;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.de.GermanLightStemFilter;
import org.apache.lucene.analysis.de.GermanMinimalStemFilter;
import org.apache.lucene.analysis.en.EnglishMinimalStemFilter;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.KStemFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.es.SpanishLightStemFilter;
import org.apache.lucene.analysis.es.SpanishPluralStemFilter;
import org.apache.lucene.analysis.fr.FrenchLightStemFilter;
import org.apache.lucene.analysis.fr.FrenchMinimalStemFilter;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;
import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.StringSetting;
import org.tartarus.snowball.ext.EnglishStemmer;
import org.tartarus.snowball.ext.FrenchStemmer;
import org.tartarus.snowball.ext.GermanStemmer;
import org.tartarus.snowball.ext.SpanishStemmer;

/**
 * The `stemmer` token filter with the `language` values of Elasticsearch's built-in one, for
 * the four languages the articles are written in. An unknown language fails the index's
 * creation, as it does on a full distribution.
 */
@NamedComponent("stemmer")
public final class StemmerFilterFactory implements TokenFilterFactory {
    private static final Set<String> LANGUAGES = Set.of(
        "english", "porter", "porter2", "light_english", "kstem", "minimal_english",
        "possessive_english", "light_german", "minimal_german", "german", "german2",
        "light_french", "minimal_french", "french", "light_spanish", "spanish_plural", "spanish");

    private final String language;

    @AnalysisSettings
    public interface Settings {
        @StringSetting(path = "language", defaultValue = "english")
        String language();
    }

    @Inject
    public StemmerFilterFactory(Settings settings) {
        this.language = settings.language().toLowerCase(Locale.ROOT);
        if (LANGUAGES.contains(language) == false) {
            throw new IllegalArgumentException("unknown stemmer language [" + language + "]");
        }
    }

    @Override
    public TokenStream create(TokenStream input) {
        return switch (language) {
            case "english", "porter" -> new PorterStemFilter(input);
            case "porter2" -> new SnowballFilter(input, new EnglishStemmer());
            case "light_english", "kstem" -> new KStemFilter(input);
            case "minimal_english" -> new EnglishMinimalStemFilter(input);
            case "possessive_english" -> new EnglishPossessiveFilter(input);
            case "light_german" -> new GermanLightStemFilter(input);
            case "minimal_german" -> new GermanMinimalStemFilter(input);
            // Lucene 10 folded German2 (ae, oe, ue for umlauts) into its German stemmer.
            case "german", "german2" -> new SnowballFilter(input, new GermanStemmer());
            case "light_french" -> new FrenchLightStemFilter(input);
            case "minimal_french" -> new FrenchMinimalStemFilter(input);
            case "french" -> new SnowballFilter(input, new FrenchStemmer());
            case "light_spanish" -> new SpanishLightStemFilter(input);
            case "spanish_plural" -> new SpanishPluralStemFilter(input);
            case "spanish" -> new SnowballFilter(input, new SpanishStemmer());
            default -> throw new IllegalStateException("checked in the constructor: " + language);
        };
    }
}
