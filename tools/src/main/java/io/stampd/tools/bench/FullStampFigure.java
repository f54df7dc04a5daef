package io.stampd.tools.bench;

import io.stampd.tools.bench.PdrResults.Config;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.internal.chartpart.Chart;

import java.nio.file.Path;
import java.util.Map;

/**
 * Fig. b (paper Fig. 14): PDR when every offered packet is STAMP, per role and data plane, against
 * the baseline's forwarding PDR (a dashed line): above it, stampd handles STAMP faster than the
 * router forwards plain packets.
 */
final class FullStampFigure extends Figure {
    FullStampFigure() {
        super("b", "fig-b-full-stamp.png", PdrResults.FILE);
    }

    @Override
    Chart<?, ?> draw(Path csv) {
        PdrResults pdr = PdrResults.read(csv);
        Map<Config, Spread> ratios = pdr.ratioToBaseline(id());
        Spread baseline = Spread.of(pdr.baselineRuns(id()).stream().map(PdrResults.Run::pdrKpps).toList());
        PdrBars bars = new PdrBars();
        PdrResults.pdrKpps(pdr.stampdRuns(id())).forEach((config, kpps) -> bars.add(config, kpps,
                ratios.containsKey(config) ? ChartStyle.ratio(ratios.get(config)) + " fwd baseline" : "no baseline in its round"));
        CategoryChart chart = ChartStyle.barChart("Fig. b — 100 % STAMP: STAMP PDR@0.5% (this VM)",
                "stampd data plane and role; dashed line: baseline forwarding PDR "
                        + ChartStyle.number(baseline.median()) + " kpps", PdrBars.Y_TITLE);
        bars.drawOn(chart);
        AnnotationLine line = new AnnotationLine(baseline.median(), false, false);
        chart.addAnnotation(line);
        return chart;
    }
}
